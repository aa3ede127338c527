using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>
/// The errors the engine answers with. The engine speaks gRPC status codes throughout (the REST surface only
/// reuses operations that cannot fail this way), so its components throw <see cref="RpcException"/> directly.
/// </summary>
internal static class EngineErrors
{
    /// <summary>A request the engine will not accept: <c>INVALID_ARGUMENT</c>.</summary>
    /// <param name="message">What is wrong, naming the workflow, task or field.</param>
    /// <returns>The exception to throw.</returns>
    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    /// <summary>Something the request names does not exist: <c>NOT_FOUND</c>.</summary>
    /// <param name="message">What is missing.</param>
    /// <returns>The exception to throw.</returns>
    public static RpcException NotFound(string message) => new(new Status(StatusCode.NotFound, message));

    /// <summary>The request comes at the wrong time: <c>FAILED_PRECONDITION</c>.</summary>
    /// <param name="message">What has to happen first.</param>
    /// <returns>The exception to throw.</returns>
    public static RpcException FailedPrecondition(string message) => new(new Status(StatusCode.FailedPrecondition, message));
}

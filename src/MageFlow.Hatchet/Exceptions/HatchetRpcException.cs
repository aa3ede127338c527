using Grpc.Core;

namespace MageFlow.Hatchet.Exceptions;

/// <summary>A call to the Hatchet engine failed. The gRPC error is the inner exception.</summary>
public sealed class HatchetRpcException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="HatchetRpcException"/> class.</summary>
    /// <param name="operation">What the SDK was doing.</param>
    /// <param name="inner">The gRPC error.</param>
    public HatchetRpcException(string operation, RpcException inner)
        : base($"{operation} failed: {inner?.StatusCode}: {inner?.Status.Detail}", inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        StatusCode = inner.StatusCode;
        Detail = inner.Status.Detail;
    }

    /// <summary>Gets the gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>Gets the engine's error message.</summary>
    public string Detail { get; }
}

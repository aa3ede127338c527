using Grpc.Core;

namespace MageFlow.Hatchet.Exceptions;

/// <summary>Base class of every exception MageFlow.Hatchet throws on purpose.</summary>
public abstract class HatchetException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="HatchetException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected HatchetException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Returns whether <paramref name="exception"/> means the operation was cancelled.</summary>
    /// <param name="exception">The exception to inspect.</param>
    /// <returns><see langword="true"/> for cancellation.</returns>
    public static bool IsCanceledException(Exception exception) =>
        exception is OperationCanceledException ||
        (exception is RpcException { StatusCode: StatusCode.Cancelled }) ||
        (exception is HatchetRpcException { StatusCode: StatusCode.Cancelled });
}

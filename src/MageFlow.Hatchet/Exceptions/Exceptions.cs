using System.Text.Json;
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

/// <summary>The client configuration is missing or invalid. The message says what to fix; it never contains the token.</summary>
public sealed class HatchetConfigurationException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="HatchetConfigurationException"/> class.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public HatchetConfigurationException(string message)
        : base(message)
    {
    }
}

/// <summary>A call to the Hatchet engine failed. The gRPC error is the inner exception.</summary>
public sealed class HatchetRpcException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="HatchetRpcException"/> class.</summary>
    /// <param name="operation">What the SDK was doing.</param>
    /// <param name="inner">The gRPC error.</param>
    public HatchetRpcException(string operation, RpcException inner)
        : base($"{operation} failed: {inner.StatusCode}: {inner.Status.Detail}", inner)
    {
        StatusCode = inner.StatusCode;
        Detail = inner.Status.Detail;
    }

    /// <summary>Gets the gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>Gets the engine's error message.</summary>
    public string Detail { get; }
}

/// <summary>A run finished as failed or cancelled. Carries the error each failed task reported.</summary>
public sealed class TaskRunFailedException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="TaskRunFailedException"/> class.</summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="errors">The error of each failed task, by task name.</param>
    public TaskRunFailedException(string runId, IReadOnlyDictionary<string, string> errors)
        : base($"run {runId} failed: " + string.Join("; ", errors.Select(e => $"{e.Key}: {FirstLine(e.Value)}")))
    {
        RunId = runId;
        Errors = errors;
    }

    /// <summary>Gets the workflow run id.</summary>
    public string RunId { get; }

    /// <summary>Gets the error each failed task reported, by task name.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; }

    /// <summary>Gets a value indicating whether the run was cancelled rather than failed.</summary>
    public bool IsCancelled => Errors.Values.Any(e => e.Contains("cancelled", StringComparison.OrdinalIgnoreCase));

    private static string FirstLine(string s)
    {
        // The TypeScript SDK reports a failure as {"message": ..., "stack": ...}: summarise it by its message.
        if (s.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(s);
                if (doc.RootElement.ValueKind == JsonValueKind.Object &&
                    doc.RootElement.TryGetProperty("message", out var message) &&
                    message.ValueKind == JsonValueKind.String)
                {
                    s = message.GetString()!;
                }
            }
            catch (JsonException)
            {
                // Not JSON: plain text.
            }
        }

        var i = s.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? s : s[..i];
    }
}

/// <summary>Throw from a task to fail it without retries (Hatchet's <c>should_not_retry</c>).</summary>
public class NonRetryableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NonRetryableException"/> class.</summary>
    public NonRetryableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonRetryableException"/> class.</summary>
    /// <param name="message">Why the task failed.</param>
    public NonRetryableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonRetryableException"/> class.</summary>
    /// <param name="message">Why the task failed.</param>
    /// <param name="innerException">The cause.</param>
    public NonRetryableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A task or workflow definition is invalid (thrown at registration).</summary>
public sealed class InvalidWorkflowException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidWorkflowException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidWorkflowException(string message)
        : base(message)
    {
    }
}

namespace MageFlow.Hatchet.Exceptions;

/// <summary>
/// A run finished, but its result could not be read. The engine leaves results over about 3 MB out of the run
/// event, and the SDK then reads them from the REST API; this is thrown when that read fails, instead of returning
/// an empty result.
/// </summary>
public sealed class RunResultUnavailableException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="RunResultUnavailableException"/> class.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="reason">Why the result could not be read.</param>
    /// <param name="innerException">The failed read, if any.</param>
    public RunResultUnavailableException(string runId, string reason, Exception? innerException = null)
        : base($"run {runId} finished, but its result could not be read: {reason}", innerException)
    {
        RunId = runId;
        Reason = reason;
    }

    /// <summary>Gets the run id.</summary>
    public string RunId { get; }

    /// <summary>Gets why the result could not be read.</summary>
    public string Reason { get; }
}

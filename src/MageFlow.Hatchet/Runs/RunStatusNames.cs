namespace MageFlow.Hatchet.Runs;

/// <summary>The wire names of <see cref="RunStatus"/> (<c>V1TaskStatus</c>).</summary>
internal static class RunStatusNames
{
    public static string ToWire(RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Completed => "COMPLETED",
        RunStatus.Failed => "FAILED",
        RunStatus.Cancelled => "CANCELLED",
        _ => "QUEUED",
    };

    /// <summary>Reads a status; an unknown name (a newer engine's, such as an evicted task) reads as running, as the TypeScript SDK does.</summary>
    public static RunStatus FromWire(string? name) => name switch
    {
        "QUEUED" => RunStatus.Queued,
        "COMPLETED" => RunStatus.Completed,
        "FAILED" => RunStatus.Failed,
        "CANCELLED" => RunStatus.Cancelled,
        _ => RunStatus.Running,
    };
}

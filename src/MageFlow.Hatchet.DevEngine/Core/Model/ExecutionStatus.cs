namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>The status of a run or task as reported to clients (Hatchet's <c>RunStatus</c> values).</summary>
internal enum ExecutionStatus
{
    /// <summary>Not started yet.</summary>
    Queued,

    /// <summary>On a worker.</summary>
    Running,

    /// <summary>Finished successfully.</summary>
    Completed,

    /// <summary>Failed.</summary>
    Failed,

    /// <summary>Cancelled.</summary>
    Cancelled,
}

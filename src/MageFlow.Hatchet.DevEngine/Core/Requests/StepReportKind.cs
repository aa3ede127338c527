namespace MageFlow.Hatchet.DevEngine.Core.Requests;

/// <summary>What a worker reports about a task attempt.</summary>
internal enum StepReportKind
{
    /// <summary>The worker started the attempt.</summary>
    Started,

    /// <summary>The attempt completed with an output.</summary>
    Completed,

    /// <summary>The attempt failed.</summary>
    Failed,

    /// <summary>The worker cancelled the attempt.</summary>
    Cancelled,

    /// <summary>The worker received the action.</summary>
    Acknowledged,

    /// <summary>A report type the dev engine does not handle.</summary>
    Unsupported,
}

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>
/// One event of a run for <c>SubscribeToWorkflowEvents</c> streams, made inside the engine lock and written outside it.
/// </summary>
/// <param name="RunId">The workflow run the event belongs to.</param>
/// <param name="Kind">What happened.</param>
/// <param name="ResourceId">The task run's external id, or the run's for run events.</param>
/// <param name="At">The event's timestamp.</param>
/// <param name="Payload">The output, error or stream chunk; empty when the event has none.</param>
/// <param name="RetryCount">The task run's retry count, for task events other than stream chunks.</param>
/// <param name="EventIndex">The chunk's ordering index, when the worker gave one.</param>
internal sealed record RunEvent(string RunId, RunEventKind Kind, string ResourceId, DateTimeOffset At, string Payload, int? RetryCount, long? EventIndex)
{
    /// <summary>Gets a value indicating whether this is a task's last event (completed, failed or cancelled).</summary>
    public bool EndsTask => Kind is RunEventKind.TaskCompleted or RunEventKind.TaskFailed or RunEventKind.TaskCancelled;

    /// <summary>Gets a value indicating whether this event reports the end of the run.</summary>
    public bool EndsRun => Kind is RunEventKind.RunCompleted or RunEventKind.RunFailed or RunEventKind.RunCancelled;

    /// <summary>Gets a value indicating whether the stream ends after this event (Hatchet's <c>hangup</c>); set per subscriber.</summary>
    public bool Hangup { get; init; }
}

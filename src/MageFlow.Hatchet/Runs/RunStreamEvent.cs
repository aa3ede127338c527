namespace MageFlow.Hatchet.Runs;

/// <summary>One event of a run, as <see cref="RunsClient.SubscribeAsync"/> yields them.</summary>
/// <param name="RunId">The workflow run the event belongs to.</param>
/// <param name="Kind">What happened.</param>
/// <param name="ResourceId">The task run's external id for task events; the run's id for run events.</param>
/// <param name="Timestamp">When it happened, by the engine's account.</param>
/// <param name="Payload">The output, error or stream chunk; empty when the event has none.</param>
/// <param name="RetryCount">The task run's retry count, when the engine gives it.</param>
/// <param name="EventIndex">The ordering index of a stream chunk, when the task gave one.</param>
/// <param name="IsLast">Whether the engine ends the subscription with this event.</param>
public sealed record RunStreamEvent(
    string RunId,
    RunStreamEventKind Kind,
    string ResourceId,
    DateTimeOffset Timestamp,
    string Payload,
    int? RetryCount,
    long? EventIndex,
    bool IsLast);

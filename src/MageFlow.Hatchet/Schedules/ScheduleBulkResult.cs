namespace MageFlow.Hatchet.Schedules;

/// <summary>What a bulk change of schedules did (Hatchet's <c>ScheduledWorkflowsBulk{Delete,Update}Response</c>).</summary>
/// <param name="Ids">The schedules deleted or moved.</param>
/// <param name="Errors">Why the others were not, per schedule.</param>
public sealed record ScheduleBulkResult(IReadOnlyList<string> Ids, IReadOnlyList<ScheduleBulkError> Errors);

namespace MageFlow.Hatchet.Events;

/// <summary>The runs an event triggered, counted by status (Hatchet's <c>V1EventWorkflowRunSummary</c>).</summary>
/// <param name="Queued">Queued runs.</param>
/// <param name="Running">Running runs.</param>
/// <param name="Succeeded">Completed runs.</param>
/// <param name="Failed">Failed runs.</param>
/// <param name="Cancelled">Cancelled runs.</param>
public sealed record EventRunCounts(int Queued, int Running, int Succeeded, int Failed, int Cancelled);

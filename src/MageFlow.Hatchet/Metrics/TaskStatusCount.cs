using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Metrics;

/// <summary>How many task runs have a status (Hatchet's <c>V1TaskRunMetric</c>).</summary>
/// <param name="Status">The status.</param>
/// <param name="Count">The number of task runs.</param>
public sealed record TaskStatusCount(RunStatus Status, int Count);

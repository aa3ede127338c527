using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>A snapshot of a run for <c>GetRunDetails</c>.</summary>
/// <param name="InputJson">The run's input.</param>
/// <param name="MetadataJson">The run's additional metadata.</param>
/// <param name="Status">The run's status.</param>
/// <param name="Done">Whether the run has finished.</param>
/// <param name="Tasks">The task runs, on-failure task last.</param>
internal sealed record RunDetails(string InputJson, string MetadataJson, ExecutionStatus Status, bool Done, IReadOnlyList<TaskDetail> Tasks);

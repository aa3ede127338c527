using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>A snapshot of a run for <c>GetRunDetails</c> and the REST run details.</summary>
/// <param name="RunId">The workflow run's external id.</param>
/// <param name="Workflow">The run's workflow.</param>
/// <param name="CreatedAt">When the run was created.</param>
/// <param name="FinishedAt">When it finished, if it has.</param>
/// <param name="InputJson">The run's input.</param>
/// <param name="MetadataJson">The run's additional metadata.</param>
/// <param name="Status">The run's status.</param>
/// <param name="Done">Whether the run has finished.</param>
/// <param name="Tasks">The task runs, on-failure task last.</param>
/// <param name="ParentTaskExternalId">The task run that spawned the run, if any.</param>
internal sealed record RunDetails(string RunId, WorkflowDef Workflow, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string InputJson, string MetadataJson, ExecutionStatus Status, bool Done, IReadOnlyList<TaskDetail> Tasks, string? ParentTaskExternalId = null);

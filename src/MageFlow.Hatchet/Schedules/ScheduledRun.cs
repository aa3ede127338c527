using System.Text.Json;

namespace MageFlow.Hatchet.Schedules;

/// <summary>A run scheduled for a later time (Hatchet's <c>ScheduledWorkflows</c>).</summary>
/// <param name="Id">The schedule's id (what <see cref="SchedulesClient.DeleteAsync"/> takes).</param>
/// <param name="WorkflowName">The engine name of the workflow it runs.</param>
/// <param name="WorkflowId">The workflow's id.</param>
/// <param name="TriggerAt">When it runs.</param>
/// <param name="Input">The run's input.</param>
/// <param name="AdditionalMetadata">The run's additional metadata.</param>
/// <param name="Priority">The run's priority, if reported.</param>
/// <param name="RunId">The run it started, once it fired.</param>
/// <param name="RunStatus">That run's status (Hatchet's <c>WorkflowRunStatus</c> name, such as <c>SUCCEEDED</c>), once it fired.</param>
/// <param name="CreatedAt">When the schedule was created.</param>
public sealed record ScheduledRun(
    string Id,
    string WorkflowName,
    string WorkflowId,
    DateTimeOffset TriggerAt,
    JsonElement Input,
    JsonElement AdditionalMetadata,
    int? Priority,
    string? RunId,
    string? RunStatus,
    DateTimeOffset CreatedAt);

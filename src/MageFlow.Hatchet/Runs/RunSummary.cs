using System.Text.Json;

namespace MageFlow.Hatchet.Runs;

/// <summary>A row of the run list (Hatchet's <c>V1TaskSummary</c>): a workflow run, or a task run when listing tasks.</summary>
/// <param name="Id">The row's id: the workflow run id (a one-task run shares it with its task), or the task run id.</param>
/// <param name="WorkflowRunId">The workflow run the row belongs to.</param>
/// <param name="WorkflowId">The workflow's id.</param>
/// <param name="WorkflowName">The workflow's engine name, if reported.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Status">The status.</param>
/// <param name="IsDag">Whether the row is a multi-task workflow run.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="StartedAt">When it started, if it has.</param>
/// <param name="FinishedAt">When it finished, if it has.</param>
/// <param name="ErrorMessage">The error, if it failed.</param>
/// <param name="Input">The input; empty unless <see cref="ListRunsQuery.IncludePayloads"/>.</param>
/// <param name="Output">The output; empty unless <see cref="ListRunsQuery.IncludePayloads"/>.</param>
/// <param name="AdditionalMetadata">The additional metadata.</param>
/// <param name="ParentTaskExternalId">The task run that spawned it, if any.</param>
public sealed record RunSummary(
    string Id,
    string WorkflowRunId,
    string WorkflowId,
    string? WorkflowName,
    string DisplayName,
    RunStatus Status,
    bool IsDag,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? ErrorMessage,
    JsonElement Input,
    JsonElement Output,
    JsonElement AdditionalMetadata,
    string? ParentTaskExternalId);

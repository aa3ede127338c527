using System.Text.Json;

namespace MageFlow.Hatchet.Runs;

/// <summary>A workflow run with its task runs (Hatchet's <c>V1WorkflowRunDetails</c>).</summary>
/// <param name="RunId">The workflow run id.</param>
/// <param name="WorkflowId">The workflow's id.</param>
/// <param name="WorkflowName">The workflow's engine name.</param>
/// <param name="Status">The run's status.</param>
/// <param name="Input">The run's input.</param>
/// <param name="AdditionalMetadata">The run's additional metadata.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="FinishedAt">When it finished, if it has.</param>
/// <param name="ErrorMessage">The failed tasks' errors, if any.</param>
/// <param name="Tasks">The task runs, each with its output or error.</param>
public sealed record RunDetails(
    string RunId,
    string WorkflowId,
    string WorkflowName,
    RunStatus Status,
    JsonElement Input,
    JsonElement AdditionalMetadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    string? ErrorMessage,
    IReadOnlyList<TaskRunDetails> Tasks);

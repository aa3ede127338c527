using System.Text.Json;

namespace MageFlow.Hatchet.Crons;

/// <summary>A cron trigger of a workflow, as the engine reports it (Hatchet's <c>CronWorkflows</c>).</summary>
/// <param name="Id">The cron's id (what <see cref="CronsClient.DeleteAsync"/> takes).</param>
/// <param name="WorkflowName">The engine name of the workflow it triggers.</param>
/// <param name="WorkflowId">The workflow's id.</param>
/// <param name="Name">The cron's name (empty for crons the workflow declares).</param>
/// <param name="Expression">The cron expression.</param>
/// <param name="Input">The input of the runs it starts.</param>
/// <param name="AdditionalMetadata">The additional metadata of the runs it starts; an undefined element when none.</param>
/// <param name="Priority">The priority of the runs it starts, if the engine reports one.</param>
/// <param name="Enabled">Whether the cron fires.</param>
/// <param name="IsDeclared">Whether the workflow declares it (<see cref="Tasks.WorkflowOptions.OnCrons"/>), rather than it being created through the API.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record CronTrigger(
    string Id,
    string WorkflowName,
    string WorkflowId,
    string Name,
    string Expression,
    JsonElement Input,
    JsonElement AdditionalMetadata,
    int? Priority,
    bool Enabled,
    bool IsDeclared,
    DateTimeOffset CreatedAt);

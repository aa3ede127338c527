using System.Text.Json;

namespace MageFlow.Hatchet.Filters;

/// <summary>An event filter of a workflow, as the engine reports it (Hatchet's <c>V1Filter</c>).</summary>
/// <param name="Id">The filter's id.</param>
/// <param name="WorkflowId">The id of the workflow it filters.</param>
/// <param name="Scope">The scope of the events it applies to.</param>
/// <param name="Expression">The CEL expression an event must satisfy to trigger the workflow.</param>
/// <param name="Payload">The payload the triggered runs see as <c>triggers.filter_payload</c>; an undefined element when none.</param>
/// <param name="IsDeclarative">Whether the workflow declares it (<see cref="Tasks.WorkflowOptions.DefaultFilters"/>) rather than it being created through the API.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record EventFilterInfo(
    string Id,
    string WorkflowId,
    string Scope,
    string Expression,
    JsonElement Payload,
    bool IsDeclarative,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

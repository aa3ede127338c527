namespace MageFlow.Hatchet.Filters;

/// <summary>What <see cref="FiltersClient.CreateAsync"/> creates: an event filter of a workflow.</summary>
public sealed record CreateFilterRequest
{
    /// <summary>Gets the id of the workflow to filter (see <see cref="Workflows.WorkflowsClient.FindByNameAsync"/>).</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the scope of the events the filter applies to (events pushed with this scope).</summary>
    public required string Scope { get; init; }

    /// <summary>
    /// Gets the CEL expression an event must satisfy, over <c>input</c> (the event's payload), <c>additional_metadata</c>,
    /// <c>payload</c> (the filter's), <c>event_key</c> and <c>event_id</c>. The dev engine takes only <c>true</c>,
    /// <c>false</c> and one comparison such as <c>input.amount &gt; 10</c>, and refuses others with 400.
    /// </summary>
    public required string Expression { get; init; }

    /// <summary>Gets the payload the triggered runs see, serialized with the client's JSON options (an object); <c>{}</c> when <see langword="null"/>.</summary>
    public object? Payload { get; init; }
}

namespace MageFlow.Hatchet.Tasks;

/// <summary>
/// An event filter a workflow declares (Hatchet's <c>default_filters</c>). Once a workflow has filters, an event starts it
/// only when pushed with a scope that has filters, once for each such filter whose expression holds; the run's tasks read
/// the filter's payload from <see cref="TaskContext.FilterPayload"/>.
/// </summary>
/// <param name="Expression">The CEL expression over the event (<c>input</c>, <c>additional_metadata</c>, <c>payload</c>, ...).
/// The dev engine evaluates only <c>true</c> and <c>false</c> and refuses other expressions.</param>
/// <param name="Scope">The scope of events the filter applies to.</param>
public sealed record DefaultEventFilter(string Expression, string Scope)
{
    /// <summary>Gets the payload handed to runs the filter starts, serialized with the client's JSON options (an object).</summary>
    public object? Payload { get; init; }
}

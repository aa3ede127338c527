namespace MageFlow.Hatchet.Orchestration.Inspection;

/// <summary>A page of nodes: recent flows, or a container's children in their order.</summary>
/// <param name="Items">The nodes of this page.</param>
/// <param name="Offset">Where the page starts.</param>
/// <param name="Total">How many there are in all; for a filtered list of flows, how many matched among those scanned.</param>
/// <param name="HasMore">Whether a next page may hold more.</param>
public sealed record FlowNodePage(IReadOnlyList<FlowNodeSummary> Items, int Offset, int Total, bool HasMore);

using System.Text.Json.Serialization;

namespace MageFlow.Hatchet.Orchestration.Flows;

/// <summary>How a failed flow's children ended (<see cref="FlowError.Children"/>).</summary>
/// <param name="Total">Children in the flow.</param>
/// <param name="Done">Children that succeeded.</param>
/// <param name="Failed">Children that failed.</param>
/// <param name="Canceled">Children canceled: queued when the flow stopped, published after it, or cancelled while running.</param>
public sealed record FlowChildrenSummary(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("done")] int Done,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("canceled")] int Canceled);

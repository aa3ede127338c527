using System.Text.Json;

namespace MageFlow.Hatchet.Events;

/// <summary>An event the engine received (Hatchet's <c>V1Event</c>).</summary>
/// <param name="Id">The event's id.</param>
/// <param name="Key">Its key.</param>
/// <param name="Payload">Its payload.</param>
/// <param name="AdditionalMetadata">Its additional metadata.</param>
/// <param name="Scope">Its scope, if pushed with one.</param>
/// <param name="SeenAt">When the engine received it.</param>
/// <param name="RunIds">The runs it triggered.</param>
/// <param name="Runs">How many of those runs are queued, running, succeeded, failed and cancelled.</param>
public sealed record EventInfo(
    string Id,
    string Key,
    JsonElement Payload,
    JsonElement AdditionalMetadata,
    string? Scope,
    DateTimeOffset SeenAt,
    IReadOnlyList<string> RunIds,
    EventRunCounts Runs);

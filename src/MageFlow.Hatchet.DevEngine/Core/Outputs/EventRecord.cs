namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>An event the engine received, as the REST event list reports it.</summary>
/// <param name="Id">The event's id.</param>
/// <param name="Key">The event key.</param>
/// <param name="PayloadJson">The payload JSON.</param>
/// <param name="MetadataJson">The additional metadata JSON, if sent.</param>
/// <param name="Scope">The scope, if sent.</param>
/// <param name="SeenAt">When the engine received it.</param>
/// <param name="RunIds">The runs it triggered.</param>
internal sealed record EventRecord(string Id, string Key, string PayloadJson, string? MetadataJson, string? Scope, DateTimeOffset SeenAt, IReadOnlyList<string> RunIds);

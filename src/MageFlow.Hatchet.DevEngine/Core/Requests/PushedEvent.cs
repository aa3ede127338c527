namespace MageFlow.Hatchet.DevEngine.Core.Requests;

/// <summary>An event pushed through <c>EventsService/Push</c>; it triggers the workflows listening for its key.</summary>
/// <param name="Key">The event key.</param>
/// <param name="Payload">The payload JSON; blank means <c>{}</c>.</param>
/// <param name="AdditionalMetadataJson">The additional metadata JSON, if sent.</param>
/// <param name="Priority">The priority of the runs it triggers, if sent.</param>
/// <param name="Scope">The scope that picks the workflows' filters that apply, if sent.</param>
internal sealed record PushedEvent(string Key, string Payload, string? AdditionalMetadataJson, int? Priority, string? Scope = null);

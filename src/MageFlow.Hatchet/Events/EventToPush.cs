namespace MageFlow.Hatchet.Events;

/// <summary>One event of <see cref="EventsClient.BulkPushAsync"/>.</summary>
/// <param name="Key">The event key (namespace applied).</param>
/// <param name="Payload">The payload, serialized with the client's JSON options; <c>{}</c> when <see langword="null"/>.</param>
public sealed record EventToPush(string Key, object? Payload)
{
    /// <summary>Gets metadata for the event and the runs it triggers.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }

    /// <summary>Gets the priority (1..3) of the runs the event triggers; the workflows' default when <see langword="null"/>.</summary>
    public int? Priority { get; init; }

    /// <summary>Gets the scope that picks which of a workflow's event filters apply to the event.</summary>
    public string? Scope { get; init; }
}

namespace MageFlow.Hatchet.Events;

/// <summary>Which events <see cref="EventsClient.ListAsync"/> returns; every filter is optional.</summary>
public sealed record ListEventsQuery
{
    /// <summary>Gets the keys to keep (namespace applied).</summary>
    public IReadOnlyList<string>? Keys { get; init; }

    /// <summary>Gets the earliest time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the latest time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets metadata key/values every returned event carries.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }

    /// <summary>Gets the scopes to keep.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>Gets how many events to skip.</summary>
    public int? Offset { get; init; }

    /// <summary>Gets the most events to return (the engine's default is 50).</summary>
    public int? Limit { get; init; }
}

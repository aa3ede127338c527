namespace MageFlow.Hatchet.Filters;

/// <summary>What <see cref="FiltersClient.UpdateAsync"/> changes; what is <see langword="null"/> stays as it is.</summary>
public sealed record UpdateFilterRequest
{
    /// <summary>Gets the new scope.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets the new expression.</summary>
    public string? Expression { get; init; }

    /// <summary>Gets the new payload, serialized with the client's JSON options (an object).</summary>
    public object? Payload { get; init; }
}

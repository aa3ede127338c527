namespace MageFlow.Hatchet.Filters;

/// <summary>Which filters <see cref="FiltersClient.ListAsync"/> returns; every filter is optional.</summary>
public sealed record ListFiltersQuery
{
    /// <summary>Gets the ids of the workflows whose filters to list.</summary>
    public IReadOnlyList<string>? WorkflowIds { get; init; }

    /// <summary>Gets the scopes to list.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>Gets how many filters to skip.</summary>
    public int? Offset { get; init; }

    /// <summary>Gets the most filters to return (the engine's default is 20,000).</summary>
    public int? Limit { get; init; }
}

namespace MageFlow.Hatchet.DevEngine.Core.Filters;

/// <summary>An event filter of a workflow as Hatchet stores it (<c>v1_filter</c>): declared by the workflow or created over REST.</summary>
internal sealed class StoredFilter
{
    /// <summary>Gets the filter's id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the id of the workflow it filters.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets or sets the scope of the events it applies to.</summary>
    public required string Scope { get; set; }

    /// <summary>Gets or sets its expression.</summary>
    public required FilterExpression Expression { get; set; }

    /// <summary>Gets or sets its payload JSON (<c>{}</c> for filters created without one); <see langword="null"/> only for declared filters without one.</summary>
    public string? PayloadJson { get; set; }

    /// <summary>Gets a value indicating whether the workflow declares it (<c>default_filters</c>) rather than it being created over REST.</summary>
    public bool IsDeclarative { get; init; }

    /// <summary>Gets when it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets or sets when it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

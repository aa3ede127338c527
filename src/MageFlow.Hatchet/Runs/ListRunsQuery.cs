namespace MageFlow.Hatchet.Runs;

/// <summary>Which runs <see cref="RunsClient.ListAsync"/> returns; every filter is optional.</summary>
public sealed record ListRunsQuery
{
    /// <summary>Gets the earliest creation time; an hour ago when not set, as the official SDKs default.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the latest time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets the statuses to keep; all when empty.</summary>
    public IReadOnlyList<RunStatus>? Statuses { get; init; }

    /// <summary>Gets the workflows whose runs to keep, by the names they were declared with (namespace applied).</summary>
    public IReadOnlyList<string>? WorkflowNames { get; init; }

    /// <summary>Gets metadata key/values to match.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }

    /// <summary>Gets a value indicating whether a run must carry every pair of <see cref="AdditionalMetadata"/> (AND) rather than any (OR, the engine's default).</summary>
    public bool MatchAllMetadata { get; init; }

    /// <summary>Gets the task run whose child runs to list.</summary>
    public string? ParentTaskExternalId { get; init; }

    /// <summary>Gets the event whose runs to list.</summary>
    public string? TriggeringEventId { get; init; }

    /// <summary>Gets a value indicating whether to list task runs rather than workflow runs.</summary>
    public bool OnlyTasks { get; init; }

    /// <summary>Gets a value indicating whether rows carry inputs and outputs (the engine leaves them empty otherwise).</summary>
    public bool IncludePayloads { get; init; }

    /// <summary>Gets how many rows each request fetches.</summary>
    /// <value>The default value is 50, the engine's default.</value>
    public int PageSize { get; init; } = 50;
}

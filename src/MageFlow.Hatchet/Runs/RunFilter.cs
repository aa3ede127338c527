namespace MageFlow.Hatchet.Runs;

/// <summary>
/// Which runs <see cref="RunsClient.CancelByFilterAsync"/> and <see cref="RunsClient.ReplayByFilterAsync"/>
/// act on (Hatchet's <c>V1TaskFilter</c>): runs created since <see cref="Since"/> matching every other filter given.
/// </summary>
public sealed record RunFilter
{
    /// <summary>Gets the earliest creation time (required by the engine).</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>Gets the latest time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets the statuses to act on; all when empty.</summary>
    public IReadOnlyList<RunStatus>? Statuses { get; init; }

    /// <summary>Gets the workflow ids (see <see cref="Workflows.WorkflowsClient"/>) whose runs to act on.</summary>
    public IReadOnlyList<string>? WorkflowIds { get; init; }

    /// <summary>Gets metadata key/values every run must carry.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }
}

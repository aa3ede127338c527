using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// Which runs a REST list, or a cancel or replay by filter, applies to: the filter of Hatchet's <c>ListWorkflowRuns</c>
/// (created at or after <see cref="Since"/>, statuses, workflow ids, metadata pairs, parent task, triggering event).
/// </summary>
internal sealed record RunFilter
{
    /// <summary>Gets the earliest creation time.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>Gets the latest creation time, if any.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets the statuses to keep; empty for all.</summary>
    public IReadOnlyCollection<ExecutionStatus> Statuses { get; init; } = [];

    /// <summary>Gets the workflow ids to keep; empty for all.</summary>
    public IReadOnlyCollection<string> WorkflowIds { get; init; } = [];

    /// <summary>Gets metadata key/value pairs; empty for no metadata condition.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>Gets a value indicating whether a run must carry every pair (AND) rather than any one (OR).</summary>
    public bool MetadataAll { get; init; }

    /// <summary>Gets the task run that must have spawned the run, if any.</summary>
    public string? ParentTaskExternalId { get; init; }

    /// <summary>Gets the event that must have triggered the run, if any.</summary>
    public string? TriggeringEventId { get; init; }

    /// <summary>Tells whether a run passes the filter.</summary>
    /// <param name="run">The run.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Matches(WorkflowRun run) =>
        run.CreatedAt >= Since &&
        (Until is not { } until || run.CreatedAt <= until) &&
        (WorkflowIds.Count == 0 || WorkflowIds.Contains(run.Def.WorkflowId)) &&
        (ParentTaskExternalId is null || run.ParentTask?.ExternalId == ParentTaskExternalId) &&
        (TriggeringEventId is null || run.TriggeringEventId == TriggeringEventId) &&
        MatchesMetadata(run) &&
        (Statuses.Count == 0 || Statuses.Contains(RunSnapshots.StatusOf(run)));

    private bool MatchesMetadata(WorkflowRun run)
    {
        if (Metadata.Count == 0)
        {
            return true;
        }

        // Hatchet compares metadata values as text: a pair "n:1" matches the string "1" only.
        bool Has(KeyValuePair<string, string> pair) =>
            run.Metadata[pair.Key] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) && s == pair.Value;
        return MetadataAll ? Metadata.All(Has) : Metadata.Any(Has);
    }
}

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>
/// A durable task's event log (Hatchet's <c>v1_durable_event_log_file</c> and its entries), kept in memory with the
/// task run. Every assignment of the task starts a new invocation: the count rises and node ids start again at 1, so
/// the new attempt replays the entries the earlier ones recorded. Branching (<c>BranchDurableTask</c>) is not served,
/// so every entry is on branch 1.
/// </summary>
internal sealed class DurableEventLog
{
    /// <summary>The one branch the dev engine keeps.</summary>
    public const long MainBranch = 1;

    /// <summary>Gets the current invocation count (1 for the first assignment).</summary>
    public int InvocationCount { get; private set; }

    /// <summary>Gets or sets the last node id the current invocation used.</summary>
    public long LatestNodeId { get; set; }

    /// <summary>Gets or sets the last satisfied order handed out.</summary>
    public long LatestSatisfiedOrder { get; set; }

    /// <summary>Gets the entries by (node, branch).</summary>
    public Dictionary<(long NodeId, long BranchId), DurableLogEntry> Entries { get; } = [];

    /// <summary>Gets the run entries by spawn key (child index and key), so a replayed spawn finds its child.</summary>
    public Dictionary<string, DurableLogEntry> Spawns { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the <c>DurableTask</c> stream that last spoke for the task: completions go there.</summary>
    public DurableTaskSession? Session { get; set; }

    /// <summary>Gets or sets a value indicating whether the current invocation was evicted (its worker let it go while
    /// it waited): the first wait or child to end then queues the task again.</summary>
    public bool Evicted { get; set; }

    /// <summary>A new invocation starts (the task was assigned).</summary>
    /// <returns>The new invocation count.</returns>
    public int StartInvocation()
    {
        InvocationCount++;
        LatestNodeId = 0;
        Evicted = false;
        return InvocationCount;
    }
}

namespace MageFlow.Hatchet.Tasks;

/// <summary>
/// Whether a workflow's tasks run on the worker they name (Hatchet's <c>StickyStrategy</c>). A child triggered with
/// <see cref="RunOptions.Sticky"/> names the parent's worker; a DAG task names the worker that ran its parent. Without
/// a strategy the engine ignores the name.
/// </summary>
public enum StickyStrategy
{
    /// <summary>Prefer the named worker while it has a free slot; any worker may run the task otherwise.</summary>
    Soft,

    /// <summary>Run only on the named worker: the task waits for it, up to its schedule timeout.</summary>
    Hard,
}

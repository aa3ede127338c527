namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>
/// A workflow's sticky strategy (<c>CreateWorkflowVersionRequest.sticky</c>): whether its tasks go to the worker they
/// name. A task names a worker by its trigger's <c>desired_worker_id</c> (a task without parents), else by the worker
/// that ran its parent; without a strategy that name is ignored, as in Hatchet's scheduler (<c>rankWorkerIds</c>).
/// </summary>
internal enum StickyStrategy
{
    /// <summary>No strategy: the desired worker is ignored and label affinity ranks workers.</summary>
    None,

    /// <summary>The desired worker is preferred while it has a free slot; any other worker may run the task.</summary>
    Soft,

    /// <summary>Only the desired worker may run the task; it waits for that worker (up to its schedule timeout).</summary>
    Hard,
}

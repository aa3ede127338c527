namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>Where a task run is in its life.</summary>
internal enum TaskState
{
    /// <summary>Waiting for DAG parents (or for the run to be admitted).</summary>
    Waiting,

    /// <summary>Ready, but waiting for a concurrency group to admit it.</summary>
    ConcurrencyWait,

    /// <summary>In an action queue, waiting for a worker slot.</summary>
    Queued,

    /// <summary>Assigned to a worker.</summary>
    Running,

    /// <summary>Failed an attempt; waits out its backoff before it is queued again.</summary>
    RetryWait,

    /// <summary>Finished with an output.</summary>
    Completed,

    /// <summary>Failed for good.</summary>
    Failed,

    /// <summary>Cancelled, or not run because a parent failed or was cancelled.</summary>
    Cancelled,
}

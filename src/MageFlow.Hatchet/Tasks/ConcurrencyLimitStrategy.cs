namespace MageFlow.Hatchet.Tasks;

/// <summary>How the engine limits concurrent runs that share a key (Hatchet's concurrency expressions).</summary>
public enum ConcurrencyLimitStrategy
{
    /// <summary>Cancel the oldest running run of the group to make room.</summary>
    CancelInProgress = 0,

    /// <summary>Queue, and take groups in turn.</summary>
    GroupRoundRobin = 3,

    /// <summary>Cancel the new run when its group is full.</summary>
    CancelNewest = 4,

    /// <summary>Cancel the group's queued runs except the newest. Needs an engine newer than v0.104.7.</summary>
    CancelQueuedExceptNewest = 5,

    /// <summary>Cancel the group's queued runs except the oldest. Needs an engine newer than v0.104.7.</summary>
    CancelQueuedExceptOldest = 6,
}

namespace MageFlow.Hatchet.Worker;

/// <summary>Where a <see cref="HatchetWorker"/> is in its life.</summary>
public enum HatchetWorkerState
{
    /// <summary>Created; <see cref="HatchetWorker.StartAsync"/> has not been called.</summary>
    NotStarted,

    /// <summary>Registered and taking work (its action stream may be reconnecting: see <see cref="HatchetWorker.IsListening"/>).</summary>
    Running,

    /// <summary>Paused: it takes no more work while its running tasks finish.</summary>
    Paused,

    /// <summary>Stopping: draining, then cancelling what is left.</summary>
    Stopping,

    /// <summary>Stopped.</summary>
    Stopped,
}

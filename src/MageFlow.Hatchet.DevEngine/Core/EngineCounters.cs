namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>Counters that tests and benchmarks read.</summary>
public sealed class EngineCounters
{
    private long _runsCreated;
    private long _tasksAssigned;
    private long _tasksCompleted;
    private long _tasksFailed;
    private long _staleEvents;
    private long _eventStreamsOpened;
    private long _durableWaits;
    private long _durableEvictions;
    private long _durableTaskStreams;

    /// <summary>Gets the number of workflow runs created (children and event-triggered runs included).</summary>
    public long RunsCreated => Interlocked.Read(ref _runsCreated);

    /// <summary>Gets the number of times a task was handed to a worker (every attempt: retries and reassignments included).</summary>
    public long TasksAssigned => Interlocked.Read(ref _tasksAssigned);

    /// <summary>Gets the number of tasks that completed.</summary>
    public long TasksCompleted => Interlocked.Read(ref _tasksCompleted);

    /// <summary>Gets the number of tasks that failed for good.</summary>
    public long TasksFailed => Interlocked.Read(ref _tasksFailed);

    /// <summary>Gets the number of step events ignored because they reported on an attempt that no longer runs (settled, or taken back from a silent worker).</summary>
    public long StaleEvents => Interlocked.Read(ref _staleEvents);

    /// <summary>Gets the number of <c>SubscribeToWorkflowEvents</c> streams the engine accepted and follows (tests wait on it
    /// before a task streams, since the engine keeps no stream chunk for later subscribers).</summary>
    public long EventStreamsOpened => Interlocked.Read(ref _eventStreamsOpened);

    /// <summary>Gets the number of durable waits registered (a replay's wait on a known signal key is not counted): tests
    /// move a manual clock once a task waits.</summary>
    public long DurableWaits => Interlocked.Read(ref _durableWaits);

    /// <summary>Gets the number of durable invocations evicted by their workers (<c>evict_invocation</c>) while they waited.</summary>
    public long DurableEvictions => Interlocked.Read(ref _durableEvictions);

    /// <summary>Gets the number of durable event-log streams (<c>DurableTask</c>) opened: how tests tell which durable
    /// protocol an SDK chose.</summary>
    public long DurableTaskStreams => Interlocked.Read(ref _durableTaskStreams);

    internal void DurableTaskStreamOpened() => Interlocked.Increment(ref _durableTaskStreams);

    internal void DurableEvicted() => Interlocked.Increment(ref _durableEvictions);

    internal void DurableWaitRegistered() => Interlocked.Increment(ref _durableWaits);

    internal void EventStreamOpened() => Interlocked.Increment(ref _eventStreamsOpened);

    internal void RunCreated() => Interlocked.Increment(ref _runsCreated);

    internal void TaskAssigned() => Interlocked.Increment(ref _tasksAssigned);

    internal void TaskCompleted() => Interlocked.Increment(ref _tasksCompleted);

    internal void TaskFailed() => Interlocked.Increment(ref _tasksFailed);

    internal void StaleEvent() => Interlocked.Increment(ref _staleEvents);
}

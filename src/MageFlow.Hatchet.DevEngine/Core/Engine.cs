using MageFlow.Hatchet.DevEngine.Core.Logs;
using MageFlow.Hatchet.DevEngine.Core.Operations;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Scheduling;
using MageFlow.Hatchet.DevEngine.Core.Subscriptions;
using MageFlow.Hatchet.DevEngine.Core.Timers;
using MageFlow.Hatchet.DevEngine.Core.Workers;
using MageFlow.Hatchet.DevEngine.Core.Workflows;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>
/// The engine: its components, wired once, and the one lock that every operation takes. Each public method
/// of <see cref="Workflows"/>, <see cref="Workers"/>, <see cref="Tasks"/> and <see cref="Runs"/> (and
/// <see cref="Tick"/>) is one atomic transition. Nothing inside the lock blocks: messages for workers and
/// subscribers go to unbounded channels and are turned into wire messages outside it.
/// </summary>
/// <remarks>
/// Components are built leaves first, so there are no construction cycles: the registries, the run store,
/// subscriptions and deadlines depend on nothing; the scheduler on the worker registry; the run lifecycle on
/// those; the factory, triggers, reports, administration and timers on the lifecycle. The one two-way
/// dependency, between the lifecycle and concurrency admission, goes through
/// <see cref="Concurrency.IAdmissionCallbacks"/>, passed with each call.
/// </remarks>
internal sealed class Engine
{
    private readonly Lock _gate = new();
    private readonly EngineTimers _timers;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="Engine"/> class.</summary>
    /// <param name="options">The engine's settings (clock, heartbeat timeout, retention).</param>
    /// <param name="log">The engine's logger.</param>
    public Engine(DevEngineOptions options, ILogger log)
    {
        var time = options.TimeProvider;
        _time = time;
        TenantId = options.TenantId.ToString();
        var workflows = new WorkflowRegistry(log);
        var workers = new WorkerRegistry(time, options.HeartbeatTimeout, log);
        var runs = new RunStore(options.MaxRetainedFinishedRuns);
        var subscriptions = new RunSubscriptions();
        var feed = new RunEventFeed(time, Counters);
        var deadlines = new TaskDeadlines();
        var scheduled = new ScheduledRuns();
        var crons = new CronSchedules();
        var scheduler = new Scheduler(workers, time, options.HeartbeatTimeout, Counters);
        var pending = new Matching.PendingMatches();
        var filters = new Filters.FilterStore();
        var events = new Events.EventLog();
        var durableLogs = new Durable.DurableEventLogs(pending, events, Counters, time);
        var lifecycle = new RunLifecycle(scheduler, runs, subscriptions, feed, deadlines, pending, durableLogs, Counters, time, log);
        durableLogs.Restore = lifecycle.Enqueue;
        var signals = new Durable.DurableSignals(pending, Counters);
        var outcomes = new Matching.MatchOutcomes(lifecycle, signals, durableLogs);
        var factory = new RunFactory(workflows, runs, lifecycle, Counters, time);
        var reports = new StepReports(workers, runs, lifecycle, scheduler, Counters, time);
        _timers = new EngineTimers(workers, lifecycle, factory, deadlines, scheduled, crons, pending, outcomes, options.ReassignTimeout, time, log);

        Workflows = new WorkflowOperations(_gate, workflows, new RunTriggers(workflows, factory, scheduled, filters), crons, scheduled, filters, pending, outcomes, events, time);
        Filters = new FilterOperations(_gate, filters, time);
        Durable = new DurableOperations(_gate, runs, signals, time);
        DurableTasks = new DurableTaskOperations(_gate, runs, workers, durableLogs, factory, scheduler);
        Crons = new CronOperations(_gate, workflows, crons, time, log);
        Workers = new WorkerOperations(_gate, workers, scheduler, lifecycle);
        Tasks = new TaskOperations(_gate, reports, runs, new TaskLogStore(time), feed);
        Runs = new RunOperations(_gate, runs, subscriptions, feed, new RunAdministration(runs, lifecycle), time);
    }

    /// <summary>Gets the tenant id as a string, as responses carry it.</summary>
    public string TenantId { get; }

    /// <summary>Gets the engine clock's current time.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Gets the counters tests and benchmarks read.</summary>
    public EngineCounters Counters { get; } = new();

    /// <summary>Gets the operations on workflow definitions and the ways runs are asked for.</summary>
    public WorkflowOperations Workflows { get; }

    /// <summary>Gets the event filters created, listed, changed and deleted over REST.</summary>
    public FilterOperations Filters { get; }

    /// <summary>Gets the cron triggers created, listed and deleted over REST.</summary>
    public CronOperations Crons { get; }

    /// <summary>Gets the operations on workers: registration, listen streams, heartbeats, pause, labels.</summary>
    public WorkerOperations Workers { get; }

    /// <summary>Gets what workers report about the tasks they run: step events, timeouts, slots, logs.</summary>
    public TaskOperations Tasks { get; }

    /// <summary>Gets the operations that watch and control runs: subscriptions, details, cancel, replay.</summary>
    public RunOperations Runs { get; }

    /// <summary>Gets the durable-wait entry points (<c>RegisterDurableEvent</c>, <c>ListenForDurableEvent</c>).</summary>
    public DurableOperations Durable { get; }

    /// <summary>Gets the entry points of the durable event log stream (<c>DurableTask</c>).</summary>
    public DurableTaskOperations DurableTasks { get; }

    /// <summary>Fires timeouts, backoffs, heartbeat lapses and schedules that are due.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            _timers.Tick();
        }
    }
}

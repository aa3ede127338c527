using MageFlow.Hatchet.DevEngine.Core.Logs;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.RateLimits;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Scheduling;
using MageFlow.Hatchet.DevEngine.Core.Subscriptions;
using MageFlow.Hatchet.DevEngine.Core.Timers;
using MageFlow.Hatchet.DevEngine.Core.Workers;
using MageFlow.Hatchet.DevEngine.Core.Workflows;
using MageFlow.Hatchet.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>
/// The engine's single entry point and its one lock. Every public method is one atomic transition: it takes
/// the lock, asks the components, and returns. Nothing inside the lock blocks (messages for workers and
/// subscribers go to unbounded channels), so one lock serves thousands of calls per second and no transition
/// ever sees another half done. Checks that need no engine state run before the lock is taken.
/// </summary>
/// <remarks>
/// This class also wires the components, leaves first, so there are no construction cycles: registries, the
/// run store, subscriptions and deadlines depend on nothing; the scheduler on the worker registry; the run
/// lifecycle on those; the factory, triggers, reports, administration and timers on the lifecycle. The one
/// two-way dependency, between the lifecycle and concurrency admission, goes through
/// <see cref="Concurrency.IAdmissionCallbacks"/> passed per call.
/// </remarks>
internal sealed class Engine
{
    private readonly Lock _gate = new();
    private readonly WorkflowRegistry _workflows;
    private readonly WorkerRegistry _workers;
    private readonly Scheduler _scheduler;
    private readonly RunStore _runs;
    private readonly RunSubscriptions _subscriptions;
    private readonly RunLifecycle _lifecycle;
    private readonly RunTriggers _triggers;
    private readonly StepReports _reports;
    private readonly RunAdministration _administration;
    private readonly EngineTimers _timers;
    private readonly TaskLogStore _logs;
    private readonly RateLimitStore _rateLimits = new();

    /// <summary>Initializes a new instance of the <see cref="Engine"/> class.</summary>
    /// <param name="options">The engine's settings (clock, heartbeat timeout, retention).</param>
    /// <param name="log">The engine's logger.</param>
    public Engine(DevEngineOptions options, ILogger log)
    {
        var time = options.TimeProvider;
        TenantId = options.TenantId.ToString();
        _workflows = new WorkflowRegistry(log);
        _workers = new WorkerRegistry(time, log);
        _runs = new RunStore(options.MaxRetainedFinishedRuns);
        _subscriptions = new RunSubscriptions();
        _logs = new TaskLogStore(time);
        var deadlines = new TaskDeadlines();
        var scheduled = new ScheduledRuns();
        _scheduler = new Scheduler(_workers, time, options.HeartbeatTimeout, Counters);
        _lifecycle = new RunLifecycle(_scheduler, _runs, _subscriptions, deadlines, Counters, time, log);
        var factory = new RunFactory(_workflows, _runs, _lifecycle, Counters, time);
        _triggers = new RunTriggers(_workflows, factory, scheduled);
        _reports = new StepReports(_workers, _runs, _lifecycle, _scheduler, Counters, time);
        _administration = new RunAdministration(_runs, _lifecycle);
        _timers = new EngineTimers(_workers, _lifecycle, factory, deadlines, scheduled, options.HeartbeatTimeout, time, log);
    }

    /// <summary>Gets the tenant id as a string, as responses carry it.</summary>
    public string TenantId { get; }

    /// <summary>Gets the counters tests and benchmarks read.</summary>
    public EngineCounters Counters { get; } = new();

    // ---------------------------------------------------------------- workflows

    /// <summary>Registers a workflow version (<c>PutWorkflow</c>).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The stored version.</returns>
    public WorkflowDef PutWorkflow(CreateWorkflowVersionRequest request)
    {
        var parsed = WorkflowDefinitionParser.Parse(request);
        lock (_gate)
        {
            return _workflows.Register(parsed);
        }
    }

    // ---------------------------------------------------------------- workers

    /// <summary>Registers a worker (<c>Register</c>).</summary>
    /// <param name="registration">The registration.</param>
    /// <returns>The worker.</returns>
    public Worker RegisterWorker(WorkerRegistration registration)
    {
        var worker = WorkerRegistry.Create(registration);
        lock (_gate)
        {
            _workers.Add(worker);
        }

        return worker;
    }

    /// <summary>Opens a worker's action stream (<c>ListenV2</c>) and dispatches work it can take.</summary>
    /// <param name="workerId">The worker id.</param>
    /// <returns>The stream.</returns>
    public ListenStream OpenListen(string workerId)
    {
        lock (_gate)
        {
            var worker = _workers.Get(workerId);
            var stream = _workers.OpenListen(worker);
            _scheduler.DispatchFor(worker);
            return stream;
        }
    }

    /// <summary>Called when a <c>ListenV2</c> stream ends: start actions it never delivered go back to their queues.</summary>
    /// <param name="workerId">The worker id.</param>
    /// <param name="stream">The stream that ended.</param>
    public void CloseListen(string workerId, ListenStream stream)
    {
        lock (_gate)
        {
            if (!_workers.TryGet(workerId, out var worker))
            {
                return;
            }

            stream.Actions.Writer.TryComplete();
            while (stream.Actions.Reader.TryRead(out var undelivered))
            {
                if (undelivered.Kind == WorkerActionKind.StartTask &&
                    undelivered.Task is { State: TaskState.Running, Started: false } task && task.Worker == worker)
                {
                    _lifecycle.HandBack(task);
                }
            }

            _workers.Detach(worker, stream);
        }
    }

    /// <summary>Records a heartbeat; a worker whose heartbeats had lapsed takes work again.</summary>
    /// <param name="workerId">The worker id.</param>
    public void Heartbeat(string workerId)
    {
        lock (_gate)
        {
            var worker = _workers.Get(workerId);
            if (_workers.Heartbeat(worker))
            {
                _scheduler.DispatchFor(worker);
            }
        }
    }

    /// <summary>Takes a worker out of scheduling (<c>Unsubscribe</c>).</summary>
    /// <param name="workerId">The worker id.</param>
    public void UnsubscribeWorker(string workerId)
    {
        lock (_gate)
        {
            WorkerRegistry.Unsubscribe(_workers.Get(workerId));
        }
    }

    /// <summary>Adds or replaces a worker's labels and dispatches work they may now allow.</summary>
    /// <param name="workerId">The worker id.</param>
    /// <param name="labels">The labels.</param>
    public void UpsertLabels(string workerId, IReadOnlyDictionary<string, LabelValue> labels)
    {
        lock (_gate)
        {
            var worker = _workers.Get(workerId);
            WorkerRegistry.UpsertLabels(worker, labels);
            _scheduler.DispatchFor(worker);
        }
    }

    /// <summary>Pauses or resumes a worker (REST).</summary>
    /// <param name="workerId">The worker id.</param>
    /// <param name="paused">Whether to pause it.</param>
    /// <returns><see langword="false"/> when the worker is unknown.</returns>
    public bool SetPaused(string workerId, bool paused)
    {
        lock (_gate)
        {
            if (!_workers.TryGet(workerId, out var worker))
            {
                return false;
            }

            if (WorkerRegistry.SetPaused(worker, paused))
            {
                _scheduler.DispatchFor(worker);
            }

            return true;
        }
    }

    /// <summary>Ends every worker's listen stream, as a network fault would (test hook).</summary>
    /// <returns>How many streams were ended.</returns>
    public int DropListenStreams()
    {
        lock (_gate)
        {
            return _workers.DropListenStreams();
        }
    }

    // ---------------------------------------------------------------- triggers

    /// <summary>Creates a run (<c>TriggerWorkflow</c>, admin <c>TriggerWorkflowRun</c>).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The run id.</returns>
    public string Trigger(RunRequest request)
    {
        lock (_gate)
        {
            return _triggers.Trigger(request);
        }
    }

    /// <summary>Creates several runs, or none when one request is bad (<c>BulkTriggerWorkflow</c>).</summary>
    /// <param name="requests">The requests.</param>
    /// <returns>The run ids, in request order.</returns>
    public IReadOnlyList<string> BulkTrigger(IReadOnlyList<RunRequest> requests)
    {
        RunTriggers.ValidateBulk(requests.Count);
        lock (_gate)
        {
            return _triggers.BulkTrigger(requests);
        }
    }

    /// <summary>Stores runs for later (<c>ScheduleWorkflow</c>).</summary>
    /// <param name="request">The run to start.</param>
    /// <param name="times">When, one run per time.</param>
    /// <returns>What was stored.</returns>
    public ScheduleResult Schedule(RunRequest request, IReadOnlyList<DateTimeOffset> times)
    {
        RunTriggers.ValidateSchedule(times);
        lock (_gate)
        {
            return _triggers.Schedule(request, times);
        }
    }

    /// <summary>Triggers the workflows listening for an event's key (<c>Push</c>).</summary>
    /// <param name="pushed">The event.</param>
    /// <param name="eventId">The event's id.</param>
    /// <returns>The ids of the runs created.</returns>
    public IReadOnlyList<string> Push(PushedEvent pushed, string eventId)
    {
        var valid = RunTriggers.ValidateEvent(pushed);
        lock (_gate)
        {
            return _triggers.Push(valid, eventId);
        }
    }

    /// <summary>Stores a rate limit (<c>PutRateLimit</c>; not enforced).</summary>
    /// <param name="key">The key.</param>
    /// <param name="limit">The limit.</param>
    /// <param name="duration">The window.</param>
    public void PutRateLimit(string key, int limit, Protocol.RateLimitDuration duration)
    {
        RateLimitStore.Validate(key, limit);
        lock (_gate)
        {
            _rateLimits.Put(key, limit, duration);
        }
    }

    // ---------------------------------------------------------------- worker reports

    /// <summary>Applies a worker's step event (<c>SendStepActionEvent</c>).</summary>
    /// <param name="report">The report.</param>
    public void HandleStepEvent(in StepReport report)
    {
        StepReports.Validate(report);
        lock (_gate)
        {
            _reports.Handle(report);
        }
    }

    /// <summary>Extends a running attempt's timeout (<c>RefreshTimeout</c>).</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="increment">A duration such as <c>30s</c>.</param>
    /// <returns>The new timeout.</returns>
    public DateTimeOffset RefreshTimeout(string taskId, string increment)
    {
        var by = DurationParser.Parse(increment, "increment_timeout_by");
        lock (_gate)
        {
            return _reports.RefreshTimeout(taskId, by);
        }
    }

    /// <summary>Gives a running task's slots back early (<c>ReleaseSlot</c>).</summary>
    /// <param name="taskId">The task run's external id.</param>
    public void ReleaseSlot(string taskId)
    {
        lock (_gate)
        {
            _reports.ReleaseSlot(taskId);
        }
    }

    // ---------------------------------------------------------------- results, details, cancel, replay

    /// <summary>Subscribes a stream to a run's end.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="subscriber">The stream's subscriber.</param>
    public void Subscribe(string runId, RunSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscriptions.Subscribe(runId, _runs.TryGetRun(runId, out var run) ? run : null, subscriber);
        }
    }

    /// <summary>Drops a stream's remaining subscriptions.</summary>
    /// <param name="subscriber">The stream's subscriber.</param>
    /// <param name="runIds">The runs it still waited for.</param>
    public void Unsubscribe(RunSubscriber subscriber, IEnumerable<string> runIds)
    {
        lock (_gate)
        {
            _subscriptions.Unsubscribe(subscriber, runIds);
        }
    }

    /// <summary>Snapshots a run (<c>GetRunDetails</c>).</summary>
    /// <param name="externalId">A run or task run id.</param>
    /// <returns>The snapshot.</returns>
    public RunDetails GetRunDetails(string externalId)
    {
        RunAdministration.ValidateId(externalId);
        lock (_gate)
        {
            return _administration.Details(externalId);
        }
    }

    /// <summary>Cancels runs and task runs by id (<c>CancelTasks</c>, REST).</summary>
    /// <param name="externalIds">Run or task run ids.</param>
    /// <returns>The ids of the task runs cancelled.</returns>
    public IReadOnlyList<string> Cancel(IEnumerable<string> externalIds)
    {
        lock (_gate)
        {
            return _administration.Cancel(externalIds);
        }
    }

    /// <summary>Replays finished runs by id (<c>ReplayTasks</c>, REST).</summary>
    /// <param name="externalIds">Run or task run ids.</param>
    /// <returns>The ids of the task runs replayed.</returns>
    public IReadOnlyList<string> Replay(IEnumerable<string> externalIds)
    {
        lock (_gate)
        {
            return _administration.Replay(externalIds);
        }
    }

    // ---------------------------------------------------------------- time and logs

    /// <summary>Fires timeouts, backoffs, heartbeat lapses and schedules that are due.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            _timers.Tick();
        }
    }

    /// <summary>Keeps a line a task logged (<c>PutLog</c>).</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="level">The level.</param>
    /// <param name="message">The text.</param>
    public void AppendLog(string taskId, string level, string message)
    {
        lock (_gate)
        {
            _logs.Append(_runs.GetTask(taskId).ExternalId, level, message);
        }
    }

    /// <summary>Accepts a stream chunk for an existing task run (<c>PutStreamEvent</c>; chunks are not kept: no run streaming yet).</summary>
    /// <param name="taskId">The task run's external id.</param>
    public void AppendStream(string taskId)
    {
        lock (_gate)
        {
            _ = _runs.GetTask(taskId);
        }
    }

    /// <summary>Gets the lines a task run logged.</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <returns>The lines, oldest first.</returns>
    public IReadOnlyList<TaskLogLine> GetLogs(string taskId)
    {
        lock (_gate)
        {
            return _logs.Get(taskId);
        }
    }
}

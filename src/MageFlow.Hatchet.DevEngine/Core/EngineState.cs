using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>
/// All of the dev engine's state and its transitions. Every public member takes one lock, so each
/// transition is atomic; nothing inside the lock blocks (outgoing messages go to unbounded channels).
/// </summary>
internal sealed partial class EngineState
{
    private readonly Lock _gate = new();
    private readonly DevEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Dictionary<string, WorkflowDef> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Worker> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Worker>> _workersByAction = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActionQueue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WorkflowRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskRun> _tasks = new(StringComparer.Ordinal);
    private readonly HashSet<TaskRun> _active = [];
    private readonly Queue<WorkflowRun> _finishedOrder = new();
    private readonly Dictionary<string, List<RunSubscriber>> _subscribers = new(StringComparer.Ordinal);
    private readonly List<ScheduledTrigger> _scheduled = [];
    private readonly Dictionary<string, (int Limit, Protocol.RateLimitDuration Duration)> _rateLimits = new(StringComparer.Ordinal);
    private long _seq;
    private long _streamGeneration;

    public EngineState(DevEngineOptions options, ILogger log)
    {
        _options = options;
        _time = options.TimeProvider;
        _log = log;
        TenantId = options.TenantId.ToString();
    }

    public string TenantId { get; }

    public EngineCounters Counters { get; } = new();

    private DateTimeOffset Now => _time.GetUtcNow();

    // ---------------------------------------------------------------- workflows

    public CreateWorkflowVersionResponse PutWorkflow(CreateWorkflowVersionRequest request)
    {
        var name = request.Name?.Trim() ?? string.Empty;
        if (name.Length == 0)
        {
            throw Invalid("workflow name must not be empty");
        }

        if (request.Tasks.Count == 0)
        {
            throw Invalid($"workflow '{name}' has no tasks");
        }

        if (request.HasDefaultPriority && request.DefaultPriority is < 1 or > 3)
        {
            throw Invalid($"workflow '{name}': default_priority must be between 1 and 3, got {request.DefaultPriority}");
        }

        var versionId = Guid.NewGuid().ToString();
        var tasks = new List<TaskDef>(request.Tasks.Count);
        var byName = new Dictionary<string, TaskDef>(StringComparer.Ordinal);
        for (var i = 0; i < request.Tasks.Count; i++)
        {
            var def = BuildTask(name, request.Tasks[i], i, isOnFailure: false);
            if (!byName.TryAdd(def.ReadableId, def))
            {
                throw Invalid($"workflow '{name}' has two tasks named '{def.ReadableId}'");
            }

            tasks.Add(def);
        }

        foreach (var def in tasks)
        {
            foreach (var parent in def.Parents)
            {
                if (!byName.TryGetValue(parent, out var parentDef))
                {
                    throw Invalid($"workflow '{name}': task '{def.ReadableId}' names unknown parent '{parent}'");
                }

                if (parent == def.ReadableId)
                {
                    throw Invalid($"workflow '{name}': task '{def.ReadableId}' names itself as a parent");
                }

                parentDef.Children.Add(def);
            }
        }

        var cycle = FindCycle(tasks);
        if (cycle is not null)
        {
            throw Invalid($"workflow '{name}' has a dependency cycle: {cycle}");
        }

        TaskDef? onFailure = null;
        if (request.OnFailureTask is not null)
        {
            onFailure = BuildTask(name, request.OnFailureTask, tasks.Count, isOnFailure: true);
            if (onFailure.Parents.Count > 0)
            {
                throw Invalid($"workflow '{name}': the on-failure task '{onFailure.ReadableId}' must not have parents");
            }
        }

        var rules = new List<ConcurrencyRule>();
        var concurrency = request.ConcurrencyArr.ToList();
        if (request.Concurrency is not null && !string.IsNullOrEmpty(request.Concurrency.Expression))
        {
            concurrency.Insert(0, request.Concurrency);
        }

        for (var i = 0; i < concurrency.Count; i++)
        {
            rules.Add(ConcurrencyRule.Parse($"{name}#wf{i}", concurrency[i], $"workflow '{name}'"));
        }

        foreach (var filter in request.DefaultFilters)
        {
            if (filter.HasPayload && filter.Payload.Length > 0 && !IsJson(filter.Payload.ToStringUtf8()))
            {
                throw Invalid($"workflow '{name}': default filter payload is not valid JSON");
            }
        }

        lock (_gate)
        {
            var workflowId = _workflows.TryGetValue(name, out var existing) ? existing.WorkflowId : Guid.NewGuid().ToString();
            var def = new WorkflowDef
            {
                Name = name,
                WorkflowId = workflowId,
                VersionId = versionId,
                Version = string.IsNullOrEmpty(request.Version) ? versionId : request.Version,
                Tasks = tasks,
                OnFailure = onFailure,
                EventTriggers = request.EventTriggers.Where(e => !string.IsNullOrEmpty(e)).ToArray(),
                Concurrency = rules,
                DefaultPriority = request.HasDefaultPriority ? request.DefaultPriority : 1,
            };
            _workflows[name] = def;
            Log.WorkflowRegistered(_log, name, tasks.Count);
            return new CreateWorkflowVersionResponse { Id = versionId, WorkflowId = workflowId };
        }
    }

    private static TaskDef BuildTask(string workflow, CreateTaskOpts opts, int index, bool isOnFailure)
    {
        var readable = opts.ReadableId?.Trim() ?? string.Empty;
        if (readable.Length == 0)
        {
            throw Invalid($"workflow '{workflow}': task #{index} has no readable_id");
        }

        if (string.IsNullOrWhiteSpace(opts.Action))
        {
            throw Invalid($"workflow '{workflow}': task '{readable}' has no action");
        }

        if (opts.Retries < 0)
        {
            throw Invalid($"workflow '{workflow}': task '{readable}' has negative retries ({opts.Retries})");
        }

        var owner = $"workflow '{workflow}' task '{readable}'";
        var timeout = string.IsNullOrEmpty(opts.Timeout) ? TimeSpan.FromSeconds(60) : ParseDuration(opts.Timeout, owner + " timeout");
        var scheduleTimeout = opts.HasScheduleTimeout && opts.ScheduleTimeout.Length > 0
            ? ParseDuration(opts.ScheduleTimeout, owner + " schedule_timeout")
            : TimeSpan.FromMinutes(5);
        var rules = new List<ConcurrencyRule>();
        for (var i = 0; i < opts.Concurrency.Count; i++)
        {
            rules.Add(ConcurrencyRule.Parse($"{workflow}#{readable}#{i}", opts.Concurrency[i], owner));
        }

        var slots = opts.SlotRequests.Count == 0
            ? new Dictionary<string, int>(StringComparer.Ordinal) { ["default"] = 1 }
            : opts.SlotRequests.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        if (slots.Values.Any(v => v < 0))
        {
            throw Invalid($"{owner}: slot requests must not be negative");
        }

        return new TaskDef
        {
            Id = Guid.NewGuid().ToString(),
            ReadableId = readable,
            Action = opts.Action,
            Index = index,
            Parents = opts.Parents.Distinct().ToArray(),
            Timeout = timeout,
            ScheduleTimeout = scheduleTimeout,
            Retries = opts.Retries,
            BackoffFactor = opts.HasBackoffFactor ? opts.BackoffFactor : null,
            BackoffMaxSeconds = opts.HasBackoffMaxSeconds ? opts.BackoffMaxSeconds : null,
            Concurrency = rules,
            SlotRequests = slots,
            DesiredLabels = opts.WorkerLabels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            IsOnFailure = isOnFailure,
        };
    }

    private static string? FindCycle(List<TaskDef> tasks)
    {
        var state = new Dictionary<TaskDef, int>();
        var stack = new List<string>();
        foreach (var t in tasks)
        {
            var found = Visit(t);
            if (found is not null)
            {
                return found;
            }
        }

        return null;

        string? Visit(TaskDef t)
        {
            var s = state.GetValueOrDefault(t);
            if (s == 2)
            {
                return null;
            }

            if (s == 1)
            {
                var start = stack.IndexOf(t.ReadableId);
                return string.Join(" -> ", stack.Skip(start).Append(t.ReadableId));
            }

            state[t] = 1;
            stack.Add(t.ReadableId);
            foreach (var child in t.Children)
            {
                var found = Visit(child);
                if (found is not null)
                {
                    return found;
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[t] = 2;
            return null;
        }
    }

    /// <summary>Parses Hatchet duration strings such as <c>60s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>.</summary>
    internal static TimeSpan ParseDuration(string text, string what)
    {
        var s = text.Trim();
        var total = TimeSpan.Zero;
        var i = 0;
        if (s.Length == 0)
        {
            throw Invalid($"{what}: empty duration");
        }

        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                throw Invalid($"{what}: '{text}' is not a duration like 30s, 5m or 1h");
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            total += s[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => throw Invalid($"{what}: '{text}' is not a duration like 30s, 5m or 1h"),
            };
        }

        return total;
    }

    // ---------------------------------------------------------------- workers

    public WorkerRegisterResponse RegisterWorker(WorkerRegisterRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.WorkerName))
        {
            throw Invalid("worker_name must not be empty");
        }

        if (request.HasSlots && request.SlotConfig.Count > 0)
        {
            throw Invalid("set either slots (deprecated) or slot_config, not both");
        }

        var capacity = new Dictionary<string, int>(StringComparer.Ordinal);
        if (request.SlotConfig.Count > 0)
        {
            foreach (var (k, v) in request.SlotConfig)
            {
                if (v < 0)
                {
                    throw Invalid($"slot_config['{k}'] must not be negative");
                }

                capacity[k] = v;
            }
        }
        else
        {
            capacity["default"] = request.HasSlots ? request.Slots : 100;
        }

        var worker = new Worker
        {
            Id = Guid.NewGuid().ToString(),
            Name = request.WorkerName,
            Actions = new HashSet<string>(request.Actions, StringComparer.Ordinal),
            SlotCapacity = capacity,
        };
        foreach (var (k, v) in request.Labels)
        {
            worker.Labels[k] = v;
        }

        lock (_gate)
        {
            worker.LastHeartbeat = Now;
            _workers[worker.Id] = worker;
            foreach (var action in worker.Actions)
            {
                if (!_workersByAction.TryGetValue(action, out var list))
                {
                    _workersByAction[action] = list = [];
                }

                list.Add(worker);
            }

            Log.WorkerRegistered(_log, worker.Name, worker.Id, worker.Actions.Count);
        }

        return new WorkerRegisterResponse { TenantId = TenantId, WorkerId = worker.Id, WorkerName = worker.Name };
    }

    public ListenStream OpenListen(string workerId)
    {
        lock (_gate)
        {
            var worker = GetWorker(workerId);
            worker.Stream?.Actions.Writer.TryComplete();
            var stream = new ListenStream(++_streamGeneration);
            worker.Stream = stream;
            worker.Unsubscribed = false;
            worker.LastHeartbeat = Now;
            worker.Lapsed = false;
            Log.ListenOpened(_log, worker.Name, worker.Id);
            DispatchForWorker(worker);
            return stream;
        }
    }

    /// <summary>Called when a ListenV2 stream ends. Actions still buffered for it go back to their queues.</summary>
    public void CloseListen(string workerId, ListenStream stream)
    {
        lock (_gate)
        {
            if (!_workers.TryGetValue(workerId, out var worker))
            {
                return;
            }

            stream.Actions.Writer.TryComplete();
            while (stream.Actions.Reader.TryRead(out var undelivered))
            {
                if (undelivered.ActionType == ActionType.StartStepRun &&
                    _tasks.TryGetValue(undelivered.TaskRunExternalId, out var task) &&
                    task.State == TaskState.Running && task.Worker == worker && !task.Started)
                {
                    ReleaseWorker(task);
                    Enqueue(task);
                }
            }

            if (worker.Stream == stream)
            {
                worker.Stream = null;
                Log.ListenClosed(_log, worker.Name, worker.Id);
            }
        }
    }

    public void Heartbeat(string workerId)
    {
        lock (_gate)
        {
            var worker = GetWorker(workerId);
            if (worker.Stream is null)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"worker {workerId} has no open listen stream; call ListenV2 first"));
            }

            worker.LastHeartbeat = Now;
            if (worker.Lapsed)
            {
                worker.Lapsed = false;
                DispatchForWorker(worker);
            }
        }
    }

    public WorkerUnsubscribeResponse Unsubscribe(string workerId)
    {
        lock (_gate)
        {
            var worker = GetWorker(workerId);
            worker.Unsubscribed = true;
            worker.Stream?.Actions.Writer.TryComplete();
            return new WorkerUnsubscribeResponse { TenantId = TenantId, WorkerId = workerId };
        }
    }

    public void UpsertLabels(string workerId, IDictionary<string, Protocol.WorkerLabels> labels)
    {
        lock (_gate)
        {
            var worker = GetWorker(workerId);
            foreach (var (k, v) in labels)
            {
                worker.Labels[k] = v;
            }

            DispatchForWorker(worker);
        }
    }

    public bool SetPaused(string workerId, bool paused)
    {
        lock (_gate)
        {
            if (!_workers.TryGetValue(workerId, out var worker))
            {
                return false;
            }

            worker.Paused = paused;
            if (!paused)
            {
                DispatchForWorker(worker);
            }

            return true;
        }
    }

    private Worker GetWorker(string workerId)
    {
        if (string.IsNullOrEmpty(workerId))
        {
            throw Invalid("worker_id must not be empty");
        }

        return _workers.TryGetValue(workerId, out var worker)
            ? worker
            : throw new RpcException(new Status(StatusCode.NotFound, $"unknown worker id '{workerId}'; register the worker first"));
    }

    /// <summary>Tells the listen streams of every worker to end, as a network fault would (test hook).</summary>
    public int DropListenStreams()
    {
        lock (_gate)
        {
            var n = 0;
            foreach (var w in _workers.Values)
            {
                if (w.Stream is not null)
                {
                    w.Stream.Actions.Writer.TryComplete(new RpcException(new Status(StatusCode.Unavailable, "listen stream dropped by the dev engine (fault injection)")));
                    n++;
                }
            }

            return n;
        }
    }

    // ---------------------------------------------------------------- helpers

    internal static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    internal static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return !text.Contains("\\u0000", StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonObject ParseObject(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw Invalid($"{what} is not valid JSON: {e.Message}");
        }

        if (text.Contains("\\u0000", StringComparison.Ordinal))
        {
            throw Invalid($"{what} must not contain \\u0000");
        }

        return node as JsonObject ?? throw Invalid($"{what} must be a JSON object, got {node?.GetValueKind().ToString() ?? "null"}");
    }

    private sealed class ActionQueue
    {
        // Index 0 = priority 1 (low) … index 2 = priority 3 (high).
        public LinkedList<TaskRun>[] ByPriority { get; } = [new(), new(), new()];

        public int Count => ByPriority[0].Count + ByPriority[1].Count + ByPriority[2].Count;
    }
}

/// <summary>Counters that tests and benchmarks read.</summary>
public sealed class EngineCounters
{
    private long _runsCreated;
    private long _tasksAssigned;
    private long _tasksCompleted;
    private long _tasksFailed;
    private long _staleEvents;

    /// <summary>Gets the number of workflow runs created (children and event-triggered runs included).</summary>
    public long RunsCreated => Interlocked.Read(ref _runsCreated);

    /// <summary>Gets the number of times a task was handed to a worker (retries and reassignments included).</summary>
    public long TasksAssigned => Interlocked.Read(ref _tasksAssigned);

    /// <summary>Gets the number of tasks that completed.</summary>
    public long TasksCompleted => Interlocked.Read(ref _tasksCompleted);

    /// <summary>Gets the number of tasks that failed for good.</summary>
    public long TasksFailed => Interlocked.Read(ref _tasksFailed);

    /// <summary>Gets the number of step events ignored because they reported on an attempt that was already settled.</summary>
    public long StaleEvents => Interlocked.Read(ref _staleEvents);

    internal void RunCreated() => Interlocked.Increment(ref _runsCreated);

    internal void TaskAssigned() => Interlocked.Increment(ref _tasksAssigned);

    internal void TaskCompleted() => Interlocked.Increment(ref _tasksCompleted);

    internal void TaskFailed() => Interlocked.Increment(ref _tasksFailed);

    internal void StaleEvent() => Interlocked.Increment(ref _staleEvents);
}

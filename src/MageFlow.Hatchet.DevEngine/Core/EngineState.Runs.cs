using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;
using ConcurrencyLimitStrategy = MageFlow.Hatchet.Protocol.V1.ConcurrencyLimitStrategy;

namespace MageFlow.Hatchet.DevEngine.Core;

internal sealed partial class EngineState
{
    private const int MaxResultBytes = 3 * 1024 * 1024;

    // ---------------------------------------------------------------- triggering

    public string Trigger(TriggerWorkflowRequest request, string? eventId = null, string? eventKey = null)
    {
        lock (_gate)
        {
            var prepared = Prepare(request);
            return Create(prepared, eventId, eventKey).Id;
        }
    }

    public IReadOnlyList<string> BulkTrigger(IReadOnlyList<TriggerWorkflowRequest> requests)
    {
        if (requests.Count == 0)
        {
            throw Invalid("bulk trigger needs at least one workflow");
        }

        if (requests.Count > 1000)
        {
            throw Invalid($"bulk trigger takes at most 1000 workflows per request, got {requests.Count}");
        }

        lock (_gate)
        {
            // Validate everything first so that a bad item creates nothing.
            var prepared = new List<PreparedTrigger>(requests.Count);
            for (var i = 0; i < requests.Count; i++)
            {
                try
                {
                    prepared.Add(Prepare(requests[i]));
                }
                catch (RpcException e)
                {
                    throw new RpcException(new Status(e.StatusCode, $"workflows[{i}]: {e.Status.Detail}"));
                }
            }

            var ids = new List<string>(prepared.Count);
            foreach (var p in prepared)
            {
                ids.Add(Create(p, null, null).Id);
            }

            return ids;
        }
    }

    public ScheduleResult Schedule(ScheduleWorkflowRequest request)
    {
        if (request.Schedules.Count == 0)
        {
            throw Invalid("schedule needs at least one time");
        }

        var trigger = new TriggerWorkflowRequest
        {
            Name = request.Name,
            Input = request.Input,
        };
        if (request.HasAdditionalMetadata)
        {
            trigger.AdditionalMetadata = request.AdditionalMetadata;
        }

        if (request.HasPriority)
        {
            trigger.Priority = request.Priority;
        }

        if (request.HasParentId)
        {
            trigger.ParentId = request.ParentId;
        }

        if (request.HasParentTaskRunExternalId)
        {
            trigger.ParentTaskRunExternalId = request.ParentTaskRunExternalId;
        }

        if (request.HasChildIndex)
        {
            trigger.ChildIndex = request.ChildIndex;
        }

        if (request.HasChildKey)
        {
            trigger.ChildKey = request.ChildKey;
        }

        lock (_gate)
        {
            _ = Prepare(trigger); // validates name, input and metadata now rather than at fire time
            var def = _workflows[request.Name];
            var scheduled = new List<ScheduledTrigger>();
            foreach (var at in request.Schedules)
            {
                var s = new ScheduledTrigger { Id = Guid.NewGuid().ToString(), At = at.ToDateTimeOffset(), Request = trigger };
                _scheduled.Add(s);
                scheduled.Add(s);
            }

            return new ScheduleResult(def, scheduled);
        }
    }

    public PushResult Push(PushEventRequest request, string eventId)
    {
        var key = request.Key?.Trim() ?? string.Empty;
        if (key.Length == 0)
        {
            throw Invalid("event key must not be empty");
        }

        var payload = string.IsNullOrEmpty(request.Payload) ? "{}" : request.Payload;
        _ = ParseObject(payload, $"payload of event '{key}'");
        if (request.HasAdditionalMetadata)
        {
            _ = ParseObject(request.AdditionalMetadata, $"additional_metadata of event '{key}'");
        }

        if (request.HasPriority && request.Priority is < 1 or > 3)
        {
            throw Invalid($"event '{key}': priority must be between 1 and 3, got {request.Priority}");
        }

        lock (_gate)
        {
            var triggered = new List<string>();
            foreach (var def in _workflows.Values)
            {
                if (!def.EventTriggers.Contains(key, StringComparer.Ordinal))
                {
                    continue;
                }

                var trigger = new TriggerWorkflowRequest { Name = def.Name, Input = payload };
                if (request.HasAdditionalMetadata)
                {
                    trigger.AdditionalMetadata = request.AdditionalMetadata;
                }

                if (request.HasPriority)
                {
                    trigger.Priority = request.Priority;
                }

                triggered.Add(Create(Prepare(trigger), eventId, key).Id);
            }

            return new PushResult(triggered);
        }
    }

    public void PutRateLimit(PutRateLimitRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Key))
        {
            throw Invalid("rate limit key must not be empty");
        }

        if (request.Limit < 0)
        {
            throw Invalid($"rate limit '{request.Key}': limit must not be negative");
        }

        lock (_gate)
        {
            _rateLimits[request.Key] = (request.Limit, request.Duration);
        }
    }

    private sealed record PreparedTrigger(
        WorkflowDef Def, TriggerWorkflowRequest Request, string InputJson, JsonObject Input, JsonObject Metadata,
        int Priority, TaskRun? Parent, string? DedupeKey, WorkflowRun? Existing);

    private PreparedTrigger Prepare(TriggerWorkflowRequest request)
    {
        var name = request.Name ?? string.Empty;
        if (!_workflows.TryGetValue(name, out var def))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"workflow '{name}' is not registered; a worker must register it with PutWorkflow first"));
        }

        var inputJson = string.IsNullOrWhiteSpace(request.Input) ? "{}" : request.Input;
        var input = ParseObject(inputJson, $"input of workflow '{name}'");
        var metadata = ParseObject(request.HasAdditionalMetadata ? request.AdditionalMetadata : null, $"additional_metadata of workflow '{name}'");
        if (request.HasPriority && request.Priority is < 1 or > 3)
        {
            throw Invalid($"workflow '{name}': priority must be between 1 and 3, got {request.Priority}");
        }

        if (request.HasDesiredWorkerId && !Guid.TryParse(request.DesiredWorkerId, out _))
        {
            throw Invalid($"desired_worker_id '{request.DesiredWorkerId}' is not a UUID");
        }

        TaskRun? parent = null;
        string? dedupeKey = null;
        WorkflowRun? existing = null;
        if (request.HasParentTaskRunExternalId && request.ParentTaskRunExternalId.Length > 0)
        {
            if (!_tasks.TryGetValue(request.ParentTaskRunExternalId, out parent))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"parent task run '{request.ParentTaskRunExternalId}' does not exist"));
            }

            dedupeKey = request.HasChildKey && request.ChildKey.Length > 0 ? "k:" + request.ChildKey
                : request.HasChildIndex ? "i:" + request.ChildIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : null;
            if (dedupeKey is not null && parent.Children is not null && parent.Children.TryGetValue(dedupeKey, out var prior))
            {
                existing = prior;
            }

            // Children inherit the parent's metadata (except engine keys); their own keys win.
            var merged = new JsonObject();
            foreach (var (k, v) in parent.Run.Metadata)
            {
                if (!k.StartsWith("hatchet__", StringComparison.Ordinal))
                {
                    merged[k] = v?.DeepClone();
                }
            }

            foreach (var (k, v) in metadata)
            {
                merged[k] = v?.DeepClone();
            }

            merged["hatchet__parent_workflow_run_id"] = parent.Run.Id;
            merged["hatchet__parent_step_run_id"] = parent.ExternalId;
            metadata = merged;
        }

        var priority = request.HasPriority ? request.Priority : def.DefaultPriority;
        return new PreparedTrigger(def, request, inputJson, input, metadata, priority, parent, dedupeKey, existing);
    }

    private WorkflowRun Create(PreparedTrigger p, string? eventId, string? eventKey)
    {
        if (p.Existing is not null)
        {
            return p.Existing;
        }

        var now = Now;
        var runId = Guid.NewGuid().ToString();
        var run = new WorkflowRun
        {
            Id = runId,
            Def = p.Def,
            InputJson = p.InputJson,
            Input = p.Input,
            MetadataJson = p.Metadata.ToJsonString(),
            Metadata = p.Metadata,
            Priority = p.Priority,
            CreatedAt = now,
            ParentTask = p.Parent,
            ChildIndex = p.Request.HasChildIndex ? p.Request.ChildIndex : null,
            ChildKey = p.Request.HasChildKey ? p.Request.ChildKey : null,
            DesiredWorkerId = p.Request.HasDesiredWorkerId ? p.Request.DesiredWorkerId : null,
            DesiredLabels = p.Request.DesiredWorkerLabels.Count > 0
                ? p.Request.DesiredWorkerLabels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)
                : null,
            TriggeringEventId = eventId,
            TriggeringEventKey = eventKey,
        };
        var tasks = new TaskRun[p.Def.Tasks.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            // A single-task workflow's task shares the run's id, as in Hatchet.
            var taskId = p.Def.IsSingleTask ? runId : Guid.NewGuid().ToString();
            tasks[i] = new TaskRun { ExternalId = taskId, Def = p.Def.Tasks[i], Run = run, InsertedAt = now };
            _tasks[taskId] = tasks[i];
        }

        run.Tasks = tasks;
        _runs[runId] = run;
        if (p.Parent is not null && p.DedupeKey is not null)
        {
            (p.Parent.Children ??= new(StringComparer.Ordinal))[p.DedupeKey] = run;
        }

        Counters.RunCreated();
        if (p.Def.Concurrency.Count == 0 || TryAdmit(run, p.Def.Concurrency, run))
        {
            StartRun(run);
        }

        return run;
    }

    private void StartRun(WorkflowRun run)
    {
        if (run.Finalized || run.Admitted)
        {
            return;
        }

        run.Admitted = true;
        foreach (var task in run.Tasks)
        {
            if (task.Def.Parents.Count == 0 && task.State == TaskState.Waiting)
            {
                MakeReady(task);
            }
        }
    }

    /// <summary>A task whose parents are done: pass task-level concurrency, then queue it.</summary>
    private void MakeReady(TaskRun task)
    {
        _active.Add(task);
        if (task.Def.Concurrency.Count == 0)
        {
            Enqueue(task);
            return;
        }

        task.State = TaskState.ConcurrencyWait;
        if (TryAdmit(task, task.Def.Concurrency, task.Run))
        {
            Enqueue(task);
        }
    }

    // ---------------------------------------------------------------- concurrency groups

    /// <summary>Tries to take a slot in every group of <paramref name="rules"/>. Returns true when admitted.</summary>
    private bool TryAdmit(ConcurrencyHolder holder, IReadOnlyList<ConcurrencyRule> rules, WorkflowRun run)
    {
        var groups = new List<ConcurrencyGroup>(rules.Count);
        foreach (var rule in rules)
        {
            var key = rule.KeyFor(run);
            if (!rule.Groups.TryGetValue(key, out var group))
            {
                rule.Groups[key] = group = new ConcurrencyGroup(rule, key);
            }

            groups.Add(group);
        }

        foreach (var group in groups)
        {
            if (group.Holders.Count < group.Rule.MaxRuns)
            {
                continue;
            }

            switch (group.Rule.Strategy)
            {
                case ConcurrencyLimitStrategy.CancelInProgress:
                    while (group.Holders.Count >= group.Rule.MaxRuns && group.Holders.First is { } oldest)
                    {
                        CancelHolder(oldest.Value, $"cancelled by concurrency limit '{group.Rule.Expression}' (CANCEL_IN_PROGRESS): a newer run took its place");
                    }

                    break;
                case ConcurrencyLimitStrategy.CancelNewest:
                case ConcurrencyLimitStrategy.DropNewest:
                    CancelHolder(holder, $"cancelled by concurrency limit '{group.Rule.Expression}' (CANCEL_NEWEST): group '{group.Key}' is full");
                    return false;
                default:
                    holder.WaitingOn = group;
                    holder.WaitingNode = group.Waiting.AddLast(holder);
                    return false;
            }
        }

        holder.AdmissionSeq = ++_seq;
        foreach (var group in groups)
        {
            holder.Held.Add((group, group.Holders.AddLast(holder)));
        }

        return true;
    }

    private void ReleaseConcurrency(ConcurrencyHolder holder)
    {
        if (holder.WaitingNode is not null)
        {
            holder.WaitingOn!.Waiting.Remove(holder.WaitingNode);
            holder.WaitingNode = null;
            holder.WaitingOn = null;
        }

        if (holder.Held.Count == 0)
        {
            return;
        }

        var released = holder.Held.ToArray();
        holder.Held.Clear();
        foreach (var (group, node) in released)
        {
            group.Holders.Remove(node);
        }

        foreach (var (group, _) in released)
        {
            while (group.Holders.Count < group.Rule.MaxRuns && group.Waiting.First is { } next)
            {
                group.Waiting.RemoveFirst();
                var waiter = next.Value;
                waiter.WaitingNode = null;
                waiter.WaitingOn = null;
                switch (waiter)
                {
                    case WorkflowRun run when !run.Finalized && TryAdmit(run, run.Def.Concurrency, run):
                        StartRun(run);
                        break;
                    case TaskRun task when task.State == TaskState.ConcurrencyWait && TryAdmit(task, task.Def.Concurrency, task.Run):
                        Enqueue(task);
                        break;
                }
            }
        }
    }

    private void CancelHolder(ConcurrencyHolder holder, string reason)
    {
        switch (holder)
        {
            case WorkflowRun run:
                CancelRun(run, reason);
                break;
            case TaskRun task:
                CancelTask(task, reason);
                break;
        }
    }

    // ---------------------------------------------------------------- queues and dispatch

    private void Enqueue(TaskRun task)
    {
        task.State = TaskState.Queued;
        task.ScheduleDeadline = Now + task.Def.ScheduleTimeout;
        task.RetryAt = null;
        _active.Add(task);
        if (!_queues.TryGetValue(task.Def.Action, out var queue))
        {
            _queues[task.Def.Action] = queue = new ActionQueue();
        }

        var list = queue.ByPriority[Math.Clamp(task.Run.Priority, 1, 3) - 1];
        task.QueueList = list;
        task.QueueNode = list.AddLast(task);
        DispatchAction(task.Def.Action);
    }

    private static void Dequeue(TaskRun task)
    {
        if (task.QueueNode is not null)
        {
            task.QueueList!.Remove(task.QueueNode);
            task.QueueNode = null;
            task.QueueList = null;
        }
    }

    private void DispatchForWorker(Worker worker)
    {
        foreach (var action in worker.Actions)
        {
            DispatchAction(action);
        }
    }

    private void DispatchAction(string action)
    {
        if (!_queues.TryGetValue(action, out var queue) || queue.Count == 0 ||
            !_workersByAction.TryGetValue(action, out var workers))
        {
            return;
        }

        var now = Now;
        for (var p = 2; p >= 0; p--)
        {
            var node = queue.ByPriority[p].First;
            while (node is not null)
            {
                if (!AnyCapacity(workers, now))
                {
                    return;
                }

                var next = node.Next;
                var task = node.Value;
                var worker = PickWorker(task, workers, now);
                if (worker is not null)
                {
                    Assign(task, worker);
                }

                node = next;
            }
        }
    }

    private bool AnyCapacity(List<Worker> workers, DateTimeOffset now)
    {
        foreach (var w in workers)
        {
            if (IsSchedulable(w, now) && w.SlotCapacity.Keys.Any(k => w.FreeSlots(k) > 0))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSchedulable(Worker w, DateTimeOffset now) =>
        w.Stream is not null && !w.Paused && !w.Unsubscribed && now - w.LastHeartbeat <= _options.HeartbeatTimeout;

    private Worker? PickWorker(TaskRun task, List<Worker> workers, DateTimeOffset now)
    {
        Worker? best = null;
        var bestFree = -1;
        foreach (var w in workers)
        {
            if (!IsSchedulable(w, now) || !HasSlots(w, task.Def.SlotRequests) || !LabelsMatch(w, task))
            {
                continue;
            }

            if (task.Run.DesiredWorkerId == w.Id)
            {
                return w;
            }

            // Spread load: the worker with the most free default slots wins.
            var free = w.FreeSlots("default");
            if (free > bestFree)
            {
                best = w;
                bestFree = free;
            }
        }

        return best;
    }

    private static bool HasSlots(Worker w, IReadOnlyDictionary<string, int> requests)
    {
        foreach (var (type, units) in requests)
        {
            if (w.FreeSlots(type) < units)
            {
                return false;
            }
        }

        return true;
    }

    private static bool LabelsMatch(Worker w, TaskRun task)
    {
        return Check(task.Def.DesiredLabels) && (task.Run.DesiredLabels is null || Check(task.Run.DesiredLabels));

        bool Check(IReadOnlyDictionary<string, DesiredWorkerLabels> desired)
        {
            foreach (var (key, want) in desired)
            {
                if (!want.HasRequired || !want.Required)
                {
                    continue; // preferred labels only weigh placement in Hatchet; the dev engine ignores weights
                }

                if (!w.Labels.TryGetValue(key, out var have) || !Compare(have, want))
                {
                    return false;
                }
            }

            return true;
        }

        static bool Compare(Protocol.WorkerLabels have, DesiredWorkerLabels want)
        {
            var comparator = want.HasComparator ? want.Comparator : WorkerLabelComparator.Equal;
            int cmp;
            if (want.HasIntValue && have.HasIntValue)
            {
                cmp = have.IntValue.CompareTo(want.IntValue);
            }
            else if (want.HasStrValue && have.HasStrValue)
            {
                cmp = string.CompareOrdinal(have.StrValue, want.StrValue);
            }
            else
            {
                return comparator == WorkerLabelComparator.NotEqual;
            }

            return comparator switch
            {
                WorkerLabelComparator.Equal => cmp == 0,
                WorkerLabelComparator.NotEqual => cmp != 0,
                WorkerLabelComparator.GreaterThan => cmp > 0,
                WorkerLabelComparator.GreaterThanOrEqual => cmp >= 0,
                WorkerLabelComparator.LessThan => cmp < 0,
                WorkerLabelComparator.LessThanOrEqual => cmp <= 0,
                _ => false,
            };
        }
    }

    private void Assign(TaskRun task, Worker worker)
    {
        Dequeue(task);
        var now = Now;
        task.State = TaskState.Running;
        task.Worker = worker;
        task.Started = false;
        task.StartedAt = now;
        task.TimeoutAt = now + task.Def.Timeout;
        task.ScheduleDeadline = null;
        foreach (var (type, units) in task.Def.SlotRequests)
        {
            worker.SlotsUsed[type] = worker.SlotsUsed.GetValueOrDefault(type) + units;
        }

        task.SlotHeld = true;
        worker.Running.Add(task);
        Counters.TaskAssigned();
        worker.Stream!.Actions.Writer.TryWrite(BuildAction(task, ActionType.StartStepRun));
    }

    private AssignedAction BuildAction(TaskRun task, ActionType type)
    {
        var run = task.Run;
        var action = new AssignedAction
        {
            TenantId = TenantId,
            WorkflowRunId = run.Id,
            JobId = task.Def.Id,
            JobName = task.Def.ReadableId,
            JobRunId = task.ExternalId,
            TaskId = task.Def.Id,
            TaskRunExternalId = task.ExternalId,
            ActionId = task.Def.Action,
            ActionType = type,
            ActionPayload = type == ActionType.StartStepRun ? BuildPayload(task) : string.Empty,
            TaskName = task.Def.ReadableId,
            RetryCount = task.RetryCount,
            AdditionalMetadata = run.MetadataJson,
            Priority = run.Priority,
            WorkflowId = run.Def.WorkflowId,
            WorkflowVersionId = run.Def.VersionId,
            TaskInsertedAt = Timestamp.FromDateTimeOffset(task.InsertedAt),
        };
        if (run.ChildIndex is { } index)
        {
            action.ChildWorkflowIndex = index;
        }

        if (run.ChildKey is { } key)
        {
            action.ChildWorkflowKey = key;
        }

        if (run.ParentTask is { } parent)
        {
            action.ParentWorkflowRunId = parent.ExternalId;
        }

        if (run.TriggeringEventId is { } eventId)
        {
            action.TriggeringEventExternalId = eventId;
        }

        if (run.TriggeringEventKey is { } eventKey)
        {
            action.TriggeringEventKey = eventKey;
        }

        return action;
    }

    /// <summary>Builds the <c>action_payload</c> JSON (Hatchet's V1StepRunData shape).</summary>
    private static string BuildPayload(TaskRun task)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + task.Run.InputJson.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("input");
            w.WriteRawValue(task.Run.InputJson, skipInputValidation: true);
            w.WriteString("triggered_by", "manual");
            w.WriteStartObject("parents");
            foreach (var parentName in task.Def.Parents)
            {
                var parent = task.Run.Tasks.First(t => t.Def.ReadableId == parentName);
                if (parent.State == TaskState.Completed && parent.Output is { } output && output.TrimStart().StartsWith('{'))
                {
                    w.WritePropertyName(parentName);
                    w.WriteRawValue(output, skipInputValidation: true);
                }
            }

            w.WriteEndObject();
            w.WriteStartObject("triggers");
            w.WriteEndObject();
            w.WriteNull("user_data");
            w.WriteNull("overrides");
            if (task.StepRunErrorsJson is not null)
            {
                w.WritePropertyName("step_run_errors");
                w.WriteRawValue(task.StepRunErrorsJson, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void ReleaseWorker(TaskRun task)
    {
        if (task.Worker is { } worker)
        {
            if (task.SlotHeld)
            {
                foreach (var (type, units) in task.Def.SlotRequests)
                {
                    worker.SlotsUsed[type] = worker.SlotsUsed.GetValueOrDefault(type) - units;
                }

                task.SlotHeld = false;
            }

            worker.Running.Remove(task);
            task.Worker = null;
            DispatchForWorker(worker);
        }
    }

    private void SendCancel(TaskRun task)
    {
        if (task.Worker?.Stream is { } stream)
        {
            stream.Actions.Writer.TryWrite(BuildAction(task, ActionType.CancelStepRun));
        }
    }

    // ---------------------------------------------------------------- worker reports

    public void HandleStepEvent(StepActionEvent e)
    {
        if (string.IsNullOrEmpty(e.TaskRunExternalId))
        {
            throw Invalid("task_run_external_id must not be empty");
        }

        lock (_gate)
        {
            // Official SDKs differ here: Python sends the worker id, TypeScript the worker name.
            if (string.IsNullOrEmpty(e.WorkerId) || !(_workers.ContainsKey(e.WorkerId) || _workers.Values.Any(w => w.Name == e.WorkerId)))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"step event from unknown worker '{e.WorkerId}'"));
            }

            if (!_tasks.TryGetValue(e.TaskRunExternalId, out var task))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"task run '{e.TaskRunExternalId}' does not exist"));
            }

            if (task.IsFinal || (e.HasRetryCount && e.RetryCount != task.RetryCount))
            {
                Counters.StaleEvent();
                return;
            }

            switch (e.EventType)
            {
                case StepActionEventType.StepEventTypeStarted:
                    if (task.State == TaskState.Running)
                    {
                        task.Started = true;
                    }

                    break;
                case StepActionEventType.StepEventTypeCompleted:
                    var payload = string.IsNullOrEmpty(e.EventPayload) ? "{}" : e.EventPayload;
                    if (!IsJson(payload))
                    {
                        FailAttempt(task, "the task's output is not valid JSON (or contains \\u0000)", shouldNotRetry: false);
                    }
                    else
                    {
                        Complete(task, payload);
                    }

                    break;
                case StepActionEventType.StepEventTypeFailed:
                    FailAttempt(task, string.IsNullOrEmpty(e.EventPayload) ? "task failed" : e.EventPayload.Replace("\u0000", string.Empty, StringComparison.Ordinal),
                        e.HasShouldNotRetry && e.ShouldNotRetry);
                    break;
                case StepActionEventType.StepEventTypeCancelled:
                    CancelTask(task, "cancelled by the worker");
                    break;
                case StepActionEventType.StepEventTypeAcknowledged:
                    break;
                default:
                    throw Invalid($"unsupported step event type {e.EventType}");
            }
        }
    }

    public Timestamp RefreshTimeout(string taskId, string increment)
    {
        var by = ParseDuration(increment, "increment_timeout_by");
        lock (_gate)
        {
            var task = GetTask(taskId);
            if (task.State != TaskState.Running)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"task run '{taskId}' is not running"));
            }

            task.TimeoutAt = (task.TimeoutAt ?? Now) + by;
            return Timestamp.FromDateTimeOffset(task.TimeoutAt.Value);
        }
    }

    public void ReleaseSlot(string taskId)
    {
        lock (_gate)
        {
            var task = GetTask(taskId);
            if (task.State == TaskState.Running && task.SlotHeld && task.Worker is { } worker)
            {
                foreach (var (type, units) in task.Def.SlotRequests)
                {
                    worker.SlotsUsed[type] = worker.SlotsUsed.GetValueOrDefault(type) - units;
                }

                task.SlotHeld = false;
                DispatchForWorker(worker);
            }
        }
    }

    private TaskRun GetTask(string taskId) =>
        _tasks.TryGetValue(taskId ?? string.Empty, out var task)
            ? task
            : throw new RpcException(new Status(StatusCode.NotFound, $"task run '{taskId}' does not exist"));

    private void Complete(TaskRun task, string output)
    {
        if (task.State == TaskState.Running)
        {
            ReleaseWorker(task);
        }
        else
        {
            // Reported by a worker that lost the task (its heartbeats lapsed) after it was handed on:
            // the first report wins, and any new holder is told to stop.
            Dequeue(task);
            if (task.Worker is not null)
            {
                SendCancel(task);
                ReleaseWorker(task);
            }
        }

        task.State = TaskState.Completed;
        task.Output = output;
        task.FinishedAt = Now;
        Counters.TaskCompleted();
        Settle(task);
        foreach (var child in task.Def.Children)
        {
            var childRun = task.Run.Tasks[child.Index];
            if (childRun.State == TaskState.Waiting && child.Parents.All(p => task.Run.Tasks.First(t => t.Def.ReadableId == p).State == TaskState.Completed))
            {
                MakeReady(childRun);
            }
        }

        CheckRunDone(task.Run);
    }

    private void FailAttempt(TaskRun task, string error, bool shouldNotRetry)
    {
        Dequeue(task);
        ReleaseWorker(task);
        if (!shouldNotRetry && task.RetryCount < task.Def.Retries)
        {
            task.RetryCount++;
            task.Error = error;
            var delay = Backoff(task.Def, task.RetryCount);
            if (delay <= TimeSpan.Zero)
            {
                Enqueue(task);
            }
            else
            {
                task.State = TaskState.RetryWait;
                task.RetryAt = Now + delay;
            }

            return;
        }

        task.State = TaskState.Failed;
        task.Error = error;
        task.FinishedAt = Now;
        Counters.TaskFailed();
        Settle(task);
        CancelDescendants(task, $"not run: parent task '{task.Def.ReadableId}' failed");
        CheckRunDone(task.Run);
    }

    internal static TimeSpan Backoff(TaskDef def, int retry)
    {
        if (def.BackoffFactor is not { } factor || def.BackoffMaxSeconds is not { } max)
        {
            return TimeSpan.Zero;
        }

        var seconds = Math.Min(max, Math.Pow(factor, retry));
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }

    private void CancelTask(TaskRun task, string reason)
    {
        if (task.IsFinal)
        {
            return;
        }

        Dequeue(task);
        if (task.State == TaskState.Running)
        {
            SendCancel(task);
        }

        ReleaseWorker(task);
        task.State = TaskState.Cancelled;
        task.Error = reason;
        task.FinishedAt = Now;
        Settle(task);
        CancelDescendants(task, $"not run: parent task '{task.Def.ReadableId}' was cancelled");
        CheckRunDone(task.Run);
    }

    private void CancelDescendants(TaskRun task, string reason)
    {
        foreach (var child in task.Def.Children)
        {
            var childRun = task.Run.Tasks[child.Index];
            if (childRun.State == TaskState.Waiting)
            {
                childRun.State = TaskState.Cancelled;
                childRun.Error = reason;
                childRun.FinishedAt = Now;
                CancelDescendants(childRun, reason);
            }
        }
    }

    private void CancelRun(WorkflowRun run, string reason)
    {
        if (run.Finalized)
        {
            return;
        }

        foreach (var task in run.AllTasks.ToArray())
        {
            if (!task.IsFinal)
            {
                if (task.State == TaskState.Waiting)
                {
                    task.State = TaskState.Cancelled;
                    task.Error = reason;
                    task.FinishedAt = Now;
                }
                else
                {
                    CancelTask(task, reason);
                }
            }
        }

        CheckRunDone(run);
    }

    /// <summary>Common clean-up when a task reaches a final state.</summary>
    private void Settle(TaskRun task)
    {
        _active.Remove(task);
        task.TimeoutAt = null;
        task.RetryAt = null;
        task.ScheduleDeadline = null;
        ReleaseConcurrency(task);
    }

    private void CheckRunDone(WorkflowRun run)
    {
        if (run.Finalized || run.Tasks.Any(t => !t.IsFinal))
        {
            return;
        }

        var failed = run.Tasks.Where(t => t.State == TaskState.Failed).ToArray();
        if (failed.Length > 0 && run.Def.OnFailure is { } onFailureDef && run.OnFailureTask is null)
        {
            var errors = new JsonObject();
            foreach (var f in failed)
            {
                errors[f.Def.ReadableId] = f.Error;
            }

            var onFailure = new TaskRun
            {
                ExternalId = Guid.NewGuid().ToString(),
                Def = onFailureDef,
                Run = run,
                InsertedAt = Now,
                StepRunErrorsJson = errors.ToJsonString(),
            };
            _tasks[onFailure.ExternalId] = onFailure;
            run.OnFailureTask = onFailure;
            MakeReady(onFailure);
            return;
        }

        if (run.OnFailureTask is { IsFinal: false })
        {
            return;
        }

        run.Finalized = true;
        run.FinishedAt = Now;
        run.Status = failed.Length > 0 ? RunStatus.Failed
            : run.Tasks.Any(t => t.State == TaskState.Cancelled) ? RunStatus.Cancelled
            : RunStatus.Completed;
        ReleaseConcurrency(run);
        Log.RunFinished(_log, run.Def.Name, run.Id, run.Status.ToString());
        if (_subscribers.Remove(run.Id, out var subscribers))
        {
            var evt = BuildFinishedEvent(run);
            foreach (var s in subscribers)
            {
                s.Events.Writer.TryWrite(evt);
            }
        }

        _finishedOrder.Enqueue(run);
        while (_finishedOrder.Count > _options.MaxRetainedFinishedRuns)
        {
            Forget(_finishedOrder.Dequeue());
        }
    }

    private void Forget(WorkflowRun run)
    {
        _runs.Remove(run.Id);
        foreach (var t in run.AllTasks)
        {
            _tasks.Remove(t.ExternalId);
        }
    }

    private static WorkflowRunEvent BuildFinishedEvent(WorkflowRun run)
    {
        var evt = new WorkflowRunEvent
        {
            WorkflowRunId = run.Id,
            EventType = WorkflowRunEventType.Finished,
            EventTimestamp = Timestamp.FromDateTimeOffset(run.FinishedAt ?? DateTimeOffset.UtcNow),
        };
        var size = 0;
        foreach (var t in run.AllTasks)
        {
            if (t.Output is null && t.Error is null)
            {
                continue;
            }

            var result = new StepRunResult { TaskRunExternalId = t.ExternalId, TaskName = t.Def.ReadableId, JobRunId = t.ExternalId };
            if (t.State == TaskState.Completed)
            {
                result.Output = t.Output;
                size += t.Output!.Length;
            }
            else
            {
                result.Error = t.Error ?? t.State.ToString();
                size += result.Error.Length;
            }

            evt.Results.Add(result);
        }

        if (size > MaxResultBytes)
        {
            evt.Results.Clear();
        }

        return evt;
    }

    // ---------------------------------------------------------------- results, details, cancel, replay

    public void Subscribe(string runId, RunSubscriber subscriber)
    {
        lock (_gate)
        {
            if (_runs.TryGetValue(runId, out var run) && run.Finalized)
            {
                subscriber.Events.Writer.TryWrite(BuildFinishedEvent(run));
                return;
            }

            if (!_subscribers.TryGetValue(runId, out var list))
            {
                _subscribers[runId] = list = [];
            }

            list.Add(subscriber);
        }
    }

    public void Unsubscribe(RunSubscriber subscriber, IEnumerable<string> runIds)
    {
        lock (_gate)
        {
            foreach (var id in runIds)
            {
                if (_subscribers.TryGetValue(id, out var list))
                {
                    list.Remove(subscriber);
                    if (list.Count == 0)
                    {
                        _subscribers.Remove(id);
                    }
                }
            }
        }
    }

    public GetRunDetailsResponse GetRunDetails(string externalId)
    {
        if (!Guid.TryParse(externalId, out _))
        {
            throw Invalid($"external_id '{externalId}' is not a UUID");
        }

        lock (_gate)
        {
            if (!_runs.TryGetValue(externalId, out var run))
            {
                if (!_tasks.TryGetValue(externalId, out var task))
                {
                    throw new RpcException(new Status(StatusCode.NotFound, $"run '{externalId}' does not exist"));
                }

                run = task.Run;
            }

            var response = new GetRunDetailsResponse
            {
                Input = ByteString.CopyFromUtf8(run.InputJson),
                AdditionalMetadata = ByteString.CopyFromUtf8(run.MetadataJson),
                Status = RunStatusOf(run),
                Done = run.Finalized,
            };
            foreach (var t in run.AllTasks)
            {
                var detail = new TaskRunDetail { ExternalId = t.ExternalId, ReadableId = t.Def.ReadableId, Status = TaskStatusOf(t) };
                if (t.State == TaskState.Completed && t.Output is not null)
                {
                    detail.Output = ByteString.CopyFromUtf8(t.Output);
                }
                else if (t.IsFinal && t.Error is not null)
                {
                    detail.Error = t.Error;
                }

                response.TaskRuns[t.Def.ReadableId] = detail;
            }

            return response;
        }
    }

    private static RunStatus RunStatusOf(WorkflowRun run) =>
        run.Finalized ? run.Status
        : run.AllTasks.Any(t => t.State is TaskState.Running) ? RunStatus.Running
        : RunStatus.Queued;

    private static RunStatus TaskStatusOf(TaskRun t) => t.State switch
    {
        TaskState.Running => RunStatus.Running,
        TaskState.Completed => RunStatus.Completed,
        TaskState.Failed => RunStatus.Failed,
        TaskState.Cancelled => RunStatus.Cancelled,
        _ => RunStatus.Queued,
    };

    public IReadOnlyList<string> Cancel(IEnumerable<string> externalIds)
    {
        lock (_gate)
        {
            var cancelled = new List<string>();
            foreach (var id in externalIds)
            {
                if (_runs.TryGetValue(id, out var run))
                {
                    foreach (var t in run.AllTasks.Where(t => !t.IsFinal).ToArray())
                    {
                        cancelled.Add(t.ExternalId);
                    }

                    CancelRun(run, "cancelled by request");
                }
                else if (_tasks.TryGetValue(id, out var task) && !task.IsFinal)
                {
                    CancelTask(task, "cancelled by request");
                    cancelled.Add(task.ExternalId);
                }
            }

            return cancelled;
        }
    }

    public IReadOnlyList<string> Replay(IEnumerable<string> externalIds)
    {
        lock (_gate)
        {
            var replayed = new List<string>();
            foreach (var id in externalIds)
            {
                var run = _runs.TryGetValue(id, out var r) ? r : _tasks.TryGetValue(id, out var t) ? t.Run : null;
                if (run is null || !run.Finalized)
                {
                    continue;
                }

                run.Finalized = false;
                run.FinishedAt = null;
                run.Status = RunStatus.Queued;
                run.OnFailureTask = null;
                foreach (var task in run.Tasks)
                {
                    if (task.State is TaskState.Failed or TaskState.Cancelled)
                    {
                        task.State = TaskState.Waiting;
                        task.RetryCount = 0;
                        task.Error = null;
                        task.Output = null;
                        replayed.Add(task.ExternalId);
                    }
                }

                foreach (var task in run.Tasks)
                {
                    if (task.State == TaskState.Waiting &&
                        task.Def.Parents.All(p => run.Tasks.First(x => x.Def.ReadableId == p).State == TaskState.Completed))
                    {
                        MakeReady(task);
                    }
                }
            }

            return replayed;
        }
    }

    // ---------------------------------------------------------------- time

    /// <summary>Fires timeouts, backoffs, heartbeat lapses and schedules that are due.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var now = Now;
            foreach (var worker in _workers.Values)
            {
                if (!worker.Lapsed && now - worker.LastHeartbeat > _options.HeartbeatTimeout)
                {
                    worker.Lapsed = true;
                    if (worker.Running.Count > 0)
                    {
                        Log.WorkerLapsed(_log, worker.Name, worker.Id, worker.Running.Count);
                        foreach (var task in worker.Running.ToArray())
                        {
                            // At-least-once: hand the task to another worker, same attempt.
                            ReleaseWorker(task);
                            Enqueue(task);
                        }
                    }
                }
            }

            List<TaskRun>? due = null;
            foreach (var task in _active)
            {
                if ((task.State == TaskState.Running && task.TimeoutAt <= now) ||
                    (task.State == TaskState.Queued && task.ScheduleDeadline <= now) ||
                    (task.State == TaskState.RetryWait && task.RetryAt <= now))
                {
                    (due ??= []).Add(task);
                }
            }

            foreach (var task in due ?? [])
            {
                switch (task.State)
                {
                    case TaskState.Running when task.TimeoutAt <= now:
                        SendCancel(task);
                        FailAttempt(task, $"Task exceeded its execution timeout of {task.Def.Timeout.TotalSeconds:0.###}s", shouldNotRetry: false);
                        break;
                    case TaskState.Queued when task.ScheduleDeadline <= now:
                        FailAttempt(task, $"Task was not scheduled within its schedule timeout of {task.Def.ScheduleTimeout.TotalSeconds:0.###}s", shouldNotRetry: true);
                        break;
                    case TaskState.RetryWait when task.RetryAt <= now:
                        Enqueue(task);
                        break;
                }
            }

            for (var i = _scheduled.Count - 1; i >= 0; i--)
            {
                if (_scheduled[i].At <= now)
                {
                    var s = _scheduled[i];
                    _scheduled.RemoveAt(i);
                    try
                    {
                        Create(Prepare(s.Request), null, null);
                    }
                    catch (RpcException e)
                    {
                        Log.ScheduleFailed(_log, s.Request.Name, e.Status.Detail);
                    }
                }
            }
        }
    }
}

internal sealed record ScheduleResult(WorkflowDef Def, IReadOnlyList<ScheduledTrigger> Scheduled);

internal sealed record PushResult(IReadOnlyList<string> TriggeredRunIds);

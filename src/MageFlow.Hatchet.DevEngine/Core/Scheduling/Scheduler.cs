using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Workers;

namespace MageFlow.Hatchet.DevEngine.Core.Scheduling;

/// <summary>
/// Matches queued task runs with worker slots: action queues by priority, worker picking (schedulable, slots,
/// labels, preferred worker, then the most free slots), assignment and release. It decides nothing about a
/// task's fate; it only places tasks and tells workers to start or stop them.
/// </summary>
internal sealed class Scheduler(WorkerRegistry workers, TimeProvider time, TimeSpan heartbeatTimeout, EngineCounters counters)
{
    private readonly Dictionary<string, ActionQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Queues a task run for a worker (its schedule timeout starts now) and dispatches its action.</summary>
    /// <param name="task">The task run.</param>
    public void Enqueue(TaskRun task)
    {
        task.State = TaskState.Queued;
        task.ScheduleDeadline = time.GetUtcNow() + task.Def.ScheduleTimeout;
        task.RetryAt = null;
        if (!_queues.TryGetValue(task.Def.Action, out var queue))
        {
            _queues[task.Def.Action] = queue = new ActionQueue();
        }

        queue.Add(task);
        Dispatch(task.Def.Action);
    }

    /// <summary>Takes a task run out of its queue, if it is queued.</summary>
    /// <param name="task">The task run.</param>
    public static void Dequeue(TaskRun task) => ActionQueue.Remove(task);

    /// <summary>Dispatches every action a worker runs: call when the worker may have become able to take work.</summary>
    /// <param name="worker">The worker.</param>
    public void DispatchFor(Worker worker)
    {
        foreach (var action in worker.Actions)
        {
            Dispatch(action);
        }
    }

    /// <summary>Takes a task run off its worker, returning its slots, and lets the worker take other work.</summary>
    /// <param name="task">The task run (no-op when it has no worker).</param>
    public void Release(TaskRun task)
    {
        if (task.Worker is { } worker)
        {
            if (task.SlotHeld)
            {
                worker.ReturnSlots(task.Def.SlotRequests);
                task.SlotHeld = false;
            }

            worker.Running.Remove(task);
            task.Worker = null;
            DispatchFor(worker);
        }
    }

    /// <summary>Returns a running task's slots early (<c>ReleaseSlot</c>); the task keeps running.</summary>
    /// <param name="task">The task run.</param>
    public void ReleaseSlot(TaskRun task)
    {
        if (task.State == TaskState.Running && task.SlotHeld && task.Worker is { } worker)
        {
            worker.ReturnSlots(task.Def.SlotRequests);
            task.SlotHeld = false;
            DispatchFor(worker);
        }
    }

    /// <summary>Tells the worker holding a task run to stop it (no-op when no listen stream would carry it).</summary>
    /// <param name="task">The task run.</param>
    public static void SendCancel(TaskRun task)
    {
        if (task.Worker?.Stream is { } stream)
        {
            stream.Actions.Writer.TryWrite(new WorkerAction(task, WorkerActionKind.CancelTask, task.RetryCount));
        }
    }

    private void Dispatch(string action)
    {
        if (!_queues.TryGetValue(action, out var queue) || queue.Count == 0 || workers.ForAction(action) is not { } candidates)
        {
            return;
        }

        var now = time.GetUtcNow();
        for (var p = 2; p >= 0; p--)
        {
            var node = queue.ByPriority[p].First;
            while (node is not null)
            {
                if (!AnyCapacity(candidates, now))
                {
                    return;
                }

                var next = node.Next;
                var task = node.Value;
                var worker = PickWorker(task, candidates, now);
                if (worker is not null)
                {
                    Assign(task, worker);
                }

                node = next;
            }
        }
    }

    private bool AnyCapacity(List<Worker> candidates, DateTimeOffset now)
    {
        foreach (var w in candidates)
        {
            if (IsSchedulable(w, now) && w.HasAnyFreeSlot())
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSchedulable(Worker w, DateTimeOffset now) =>
        w.Stream is not null && !w.Paused && !w.Unsubscribed && now - w.LastHeartbeat <= heartbeatTimeout;

    private Worker? PickWorker(TaskRun task, List<Worker> candidates, DateTimeOffset now)
    {
        Worker? best = null;
        var bestFree = -1;
        foreach (var w in candidates)
        {
            if (!IsSchedulable(w, now) || !w.HasRoomFor(task.Def.SlotRequests) || !LabelMatcher.Matches(w, task))
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

    private void Assign(TaskRun task, Worker worker)
    {
        Dequeue(task);
        var now = time.GetUtcNow();
        task.State = TaskState.Running;
        task.Worker = worker;
        task.Started = false;
        task.StartedAt = now;
        task.TimeoutAt = now + task.Def.Timeout;
        task.ScheduleDeadline = null;
        worker.TakeSlots(task.Def.SlotRequests);
        task.SlotHeld = true;
        worker.Running.Add(task);
        counters.TaskAssigned();

        // Hatchet starts a new invocation of a durable task's event log with every assignment (scheduler_queue.go).
        int? invocation = task.Def.IsDurable ? (task.EventLog ??= new Durable.DurableEventLog()).StartInvocation() : null;
        worker.Stream!.Actions.Writer.TryWrite(new WorkerAction(task, WorkerActionKind.StartTask, task.RetryCount, invocation));
    }
}

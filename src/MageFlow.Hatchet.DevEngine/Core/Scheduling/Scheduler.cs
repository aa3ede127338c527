using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Workers;

namespace MageFlow.Hatchet.DevEngine.Core.Scheduling;

/// <summary>
/// Matches queued task runs with worker slots: action queues by priority, worker picking (schedulable, slots,
/// sticky strategy or label affinity, then the most free slots), assignment and release. It decides nothing about a
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

    /// <summary>
    /// Picks the worker for a task as Hatchet's <c>rankWorkerIds</c> does: a sticky workflow ranks the desired worker
    /// first (SOFT) or allows no other (HARD); otherwise, when the task wants labels, workers rank by label weight and
    /// those missing a required label are ruled out. The best-ranked worker with room wins, ties going to the one with
    /// the most free slots (Hatchet rotates through ties; both spread the load).
    /// </summary>
    private Worker? PickWorker(TaskRun task, List<Worker> candidates, DateTimeOffset now)
    {
        var sticky = task.Run.Def.Sticky;
        var desiredWorker = sticky == StickyStrategy.None ? null : DesiredWorkerId(task);
        var labels = LabelAffinity.For(task);
        Worker? best = null;
        var bestRank = -1;
        var bestFree = -1;
        foreach (var w in candidates)
        {
            if (!IsSchedulable(w, now) || !w.HasRoomFor(task.Def.SlotRequests))
            {
                continue;
            }

            var isDesired = desiredWorker is not null && string.Equals(desiredWorker, w.Id, StringComparison.OrdinalIgnoreCase);
            var rank = sticky switch
            {
                StickyStrategy.Hard => desiredWorker is null || isDesired ? 0 : -1,
                StickyStrategy.Soft => isDesired ? 1 : 0,
                _ => labels.Count == 0 ? 0 : LabelAffinity.Weight(w, labels),
            };
            if (rank < 0)
            {
                continue;
            }

            var free = w.FreeSlots("default");
            if (rank > bestRank || (rank == bestRank && free > bestFree))
            {
                best = w;
                bestRank = rank;
                bestFree = free;
            }
        }

        return best;
    }

    /// <summary>The worker a task names: its trigger's for a task without parents, else the worker that completed its
    /// first parent (Hatchet takes it from the trigger data of the parents' outputs, <c>DesiredWorkerId</c> in
    /// <c>pkg/repository/input.go</c>).</summary>
    private static string? DesiredWorkerId(TaskRun task)
    {
        if (task.Def.Parents.Count == 0)
        {
            return task.Run.DesiredWorkerId;
        }

        foreach (var parent in task.Def.Parents)
        {
            if (task.Run.Tasks[parent.Index].CompletedOnWorkerId is { } worker)
            {
                return worker;
            }
        }

        return null;
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

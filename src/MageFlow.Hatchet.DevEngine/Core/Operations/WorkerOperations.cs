using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Scheduling;
using MageFlow.Hatchet.DevEngine.Core.Workers;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>
/// Workers' connection to the engine: registration, listen streams, heartbeats, unsubscribe, pause, labels.
/// Each method is one atomic transition under the engine lock. The worker registry reports when a worker may
/// have become able to take work; this class then asks the scheduler to dispatch.
/// </summary>
internal sealed class WorkerOperations(Lock gate, WorkerRegistry workers, Scheduler scheduler, RunLifecycle lifecycle)
{
    /// <summary>Registers a worker (<c>Register</c>).</summary>
    /// <param name="registration">The registration.</param>
    /// <returns>The worker.</returns>
    public Worker Register(WorkerRegistration registration)
    {
        var worker = WorkerRegistry.Create(registration);
        lock (gate)
        {
            workers.Add(worker);
        }

        return worker;
    }

    /// <summary>Opens a worker's action stream (<c>ListenV2</c>) and dispatches work it can take.</summary>
    /// <param name="workerId">The worker id.</param>
    /// <returns>The stream.</returns>
    public ListenStream OpenListen(string workerId)
    {
        lock (gate)
        {
            var worker = workers.Get(workerId);
            var stream = workers.OpenListen(worker);
            scheduler.DispatchFor(worker);
            return stream;
        }
    }

    /// <summary>Called when a <c>ListenV2</c> stream ends: tasks whose start actions it never delivered are retried by the engine.</summary>
    /// <param name="workerId">The worker id.</param>
    /// <param name="stream">The stream that ended.</param>
    public void CloseListen(string workerId, ListenStream stream)
    {
        lock (gate)
        {
            if (!workers.TryGet(workerId, out var worker))
            {
                return;
            }

            stream.Actions.Writer.TryComplete();
            while (stream.Actions.Reader.TryRead(out var undelivered))
            {
                if (undelivered.Kind == WorkerActionKind.StartTask &&
                    undelivered.Task is { State: TaskState.Running, Started: false } task && task.Worker == worker)
                {
                    lifecycle.RetryInternally(task, InternalFailure.Undelivered);
                }
            }

            workers.Detach(worker, stream);
        }
    }

    /// <summary>Records a heartbeat; a worker whose heartbeats had lapsed takes work again.</summary>
    /// <param name="workerId">The worker id.</param>
    public void Heartbeat(string workerId)
    {
        lock (gate)
        {
            var worker = workers.Get(workerId);
            if (workers.Heartbeat(worker))
            {
                scheduler.DispatchFor(worker);
            }
        }
    }

    /// <summary>Takes a worker out of scheduling until it listens again (<c>Unsubscribe</c>).</summary>
    /// <param name="workerId">The worker id.</param>
    public void Unsubscribe(string workerId)
    {
        lock (gate)
        {
            WorkerRegistry.Unsubscribe(workers.Get(workerId));
        }
    }

    /// <summary>Adds or replaces a worker's labels and dispatches work they may now allow (<c>UpsertWorkerLabels</c>).</summary>
    /// <param name="workerId">The worker id.</param>
    /// <param name="labels">The labels.</param>
    public void UpsertLabels(string workerId, IReadOnlyDictionary<string, LabelValue> labels)
    {
        lock (gate)
        {
            var worker = workers.Get(workerId);
            WorkerRegistry.UpsertLabels(worker, labels);
            scheduler.DispatchFor(worker);
        }
    }

    /// <summary>Pauses or resumes a worker (REST).</summary>
    /// <param name="workerId">The worker id.</param>
    /// <param name="paused">Whether to pause it.</param>
    /// <returns><see langword="false"/> when the worker is unknown.</returns>
    public bool SetPaused(string workerId, bool paused)
    {
        lock (gate)
        {
            if (!workers.TryGet(workerId, out var worker))
            {
                return false;
            }

            if (WorkerRegistry.SetPaused(worker, paused))
            {
                scheduler.DispatchFor(worker);
            }

            return true;
        }
    }

    /// <summary>Snapshots every worker (REST worker list).</summary>
    /// <returns>The workers, by name then id.</returns>
    public List<WorkerSnapshot> List()
    {
        lock (gate)
        {
            return [.. workers.All.OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Id, StringComparer.Ordinal).Select(Snapshot)];
        }
    }

    /// <summary>Snapshots one worker (REST worker details).</summary>
    /// <param name="workerId">The worker id.</param>
    /// <returns>The snapshot, or <see langword="null"/> when the worker is unknown.</returns>
    public WorkerSnapshot? Find(string workerId)
    {
        lock (gate)
        {
            return workers.TryGet(workerId, out var worker) ? Snapshot(worker) : null;
        }
    }

    /// <summary>Ends every worker's listen stream, as a network fault would (test hook).</summary>
    /// <returns>How many streams were ended.</returns>
    public int DropListenStreams()
    {
        lock (gate)
        {
            return workers.DropListenStreams();
        }
    }

    private static WorkerSnapshot Snapshot(Worker w) => new(
        w.Id,
        w.Name,
        [.. w.Actions.Order(StringComparer.Ordinal)],
        w.LastHeartbeat,
        w.Paused,
        w.Stream is not null && !w.Unsubscribed,
        w.SlotCapacity.ToDictionary(p => p.Key, p => (p.Value, w.SlotsUsed.GetValueOrDefault(p.Key)), StringComparer.Ordinal),
        new Dictionary<string, LabelValue>(w.Labels, StringComparer.Ordinal));
}

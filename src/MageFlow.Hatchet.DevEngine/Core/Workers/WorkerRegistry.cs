using System.Diagnostics.CodeAnalysis;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core.Workers;

/// <summary>
/// The registered workers, found by id, by name and by action in O(1), and their connection state: listen
/// stream, heartbeat, pause, unsubscribe, labels. Changes that can make a worker schedulable again report it
/// to the caller, which asks the scheduler to dispatch; the registry itself never dispatches.
/// </summary>
internal sealed class WorkerRegistry(TimeProvider time, TimeSpan heartbeatTimeout, ILogger log)
{
    private readonly Dictionary<string, Worker> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Worker>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Worker>> _byAction = new(StringComparer.Ordinal);
    private long _streamGeneration;

    /// <summary>Gets every worker (for the timer's heartbeat check).</summary>
    public Dictionary<string, Worker>.ValueCollection All => _byId.Values;

    /// <summary>Validates a registration and builds the worker. Needs no engine state, so it runs outside the lock.</summary>
    /// <param name="registration">The registration.</param>
    /// <returns>The new worker, not yet added.</returns>
    public static Worker Create(WorkerRegistration registration)
    {
        if (string.IsNullOrWhiteSpace(registration.Name))
        {
            throw EngineErrors.Invalid("worker_name must not be empty");
        }

        if (registration.Slots is not null && registration.SlotConfig.Count > 0)
        {
            throw EngineErrors.Invalid("set either slots (deprecated) or slot_config, not both");
        }

        var capacity = new Dictionary<string, int>(StringComparer.Ordinal);
        if (registration.SlotConfig.Count > 0)
        {
            foreach (var (k, v) in registration.SlotConfig)
            {
                if (v < 0)
                {
                    throw EngineErrors.Invalid($"slot_config['{k}'] must not be negative");
                }

                capacity[k] = v;
            }
        }
        else
        {
            capacity["default"] = registration.Slots ?? 100;
        }

        var worker = new Worker
        {
            Id = Guid.NewGuid().ToString(),
            Name = registration.Name,
            Actions = new HashSet<string>(registration.Actions, StringComparer.Ordinal),
            SlotCapacity = capacity,
        };
        foreach (var (k, v) in registration.Labels)
        {
            worker.Labels[k] = v;
        }

        return worker;
    }

    /// <summary>Adds a worker built by <see cref="Create"/>.</summary>
    /// <param name="worker">The worker.</param>
    public void Add(Worker worker)
    {
        worker.LastHeartbeat = time.GetUtcNow();
        _byId[worker.Id] = worker;
        AddTo(_byName, worker.Name, worker);
        foreach (var action in worker.Actions)
        {
            AddTo(_byAction, action, worker);
        }

        Log.WorkerRegistered(log, worker.Name, worker.Id, worker.Actions.Count);
    }

    /// <summary>Gets a worker by id, or answers <c>INVALID_ARGUMENT</c> (empty id) or <c>NOT_FOUND</c>.</summary>
    /// <param name="workerId">The worker id.</param>
    /// <returns>The worker.</returns>
    public Worker Get(string workerId)
    {
        if (string.IsNullOrEmpty(workerId))
        {
            throw EngineErrors.Invalid("worker_id must not be empty");
        }

        return _byId.TryGetValue(workerId, out var worker)
            ? worker
            : throw EngineErrors.NotFound($"unknown worker id '{workerId}'; register the worker first");
    }

    /// <summary>Finds a worker by id.</summary>
    /// <param name="workerId">The worker id.</param>
    /// <param name="worker">The worker, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGet(string workerId, [NotNullWhen(true)] out Worker? worker) => _byId.TryGetValue(workerId, out worker);

    /// <summary>Tells whether a worker with this id or name is registered (SDKs identify themselves either way in step events).</summary>
    /// <param name="idOrName">The worker id or name.</param>
    /// <returns><see langword="true"/> when known.</returns>
    public bool IsKnown(string idOrName) => _byId.ContainsKey(idOrName) || _byName.ContainsKey(idOrName);

    /// <summary>Gets the workers that run an action.</summary>
    /// <param name="action">The action id.</param>
    /// <returns>The workers, or <see langword="null"/> when none registered it.</returns>
    public List<Worker>? ForAction(string action) => _byAction.GetValueOrDefault(action);

    /// <summary>Opens a new listen stream for a worker, ending its previous one. The worker is schedulable again.</summary>
    /// <param name="worker">The worker.</param>
    /// <returns>The stream.</returns>
    public ListenStream OpenListen(Worker worker)
    {
        worker.Stream?.Actions.Writer.TryComplete();
        var stream = new ListenStream(++_streamGeneration);
        worker.Stream = stream;
        worker.Unsubscribed = false;
        worker.LastHeartbeat = time.GetUtcNow();
        Log.ListenOpened(log, worker.Name, worker.Id);
        return stream;
    }

    /// <summary>Forgets a closed listen stream, unless a newer one already replaced it.</summary>
    /// <param name="worker">The worker.</param>
    /// <param name="stream">The stream that closed.</param>
    public void Detach(Worker worker, ListenStream stream)
    {
        if (worker.Stream == stream)
        {
            worker.Stream = null;
            Log.ListenClosed(log, worker.Name, worker.Id);
        }
    }

    /// <summary>Records a heartbeat, or answers <c>FAILED_PRECONDITION</c> when the worker has no listen stream.</summary>
    /// <param name="worker">The worker.</param>
    /// <returns><see langword="true"/> when the worker had been silent past the heartbeat timeout, so it is schedulable again.</returns>
    public bool Heartbeat(Worker worker)
    {
        if (worker.Stream is null)
        {
            throw EngineErrors.FailedPrecondition($"worker {worker.Id} has no open listen stream; call ListenV2 first");
        }

        var now = time.GetUtcNow();
        var wasSilent = now - worker.LastHeartbeat > heartbeatTimeout;
        worker.LastHeartbeat = now;
        return wasSilent;
    }

    /// <summary>Takes a worker out of scheduling until it listens again, and ends its listen stream.</summary>
    /// <param name="worker">The worker.</param>
    public static void Unsubscribe(Worker worker)
    {
        worker.Unsubscribed = true;
        worker.Stream?.Actions.Writer.TryComplete();
    }

    /// <summary>Pauses or resumes a worker (REST <c>PATCH /api/v1/workers/{id}</c>).</summary>
    /// <param name="worker">The worker.</param>
    /// <param name="paused">Whether to pause it.</param>
    /// <returns><see langword="true"/> when the worker was resumed, so it may be schedulable again.</returns>
    public static bool SetPaused(Worker worker, bool paused)
    {
        worker.Paused = paused;
        return !paused;
    }

    /// <summary>Adds or replaces labels.</summary>
    /// <param name="worker">The worker.</param>
    /// <param name="labels">The labels.</param>
    public static void UpsertLabels(Worker worker, IReadOnlyDictionary<string, LabelValue> labels)
    {
        foreach (var (k, v) in labels)
        {
            worker.Labels[k] = v;
        }
    }

    /// <summary>Ends every listen stream with <c>UNAVAILABLE</c>, as a network fault would (test hook).</summary>
    /// <returns>How many streams were ended.</returns>
    public int DropListenStreams()
    {
        var n = 0;
        foreach (var w in _byId.Values)
        {
            if (w.Stream is not null)
            {
                w.Stream.Actions.Writer.TryComplete(new RpcException(new Status(StatusCode.Unavailable, "listen stream dropped by the dev engine (fault injection)")));
                n++;
            }
        }

        return n;
    }

    private static void AddTo(Dictionary<string, List<Worker>> index, string key, Worker worker)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(worker);
    }
}

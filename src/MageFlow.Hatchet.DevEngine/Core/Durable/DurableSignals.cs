using MageFlow.Hatchet.DevEngine.Core.Matching;
using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>
/// Durable waits of Hatchet's older durable protocol (<c>RegisterDurableEvent</c> / <c>ListenForDurableEvent</c>,
/// internal/services/dispatcher/server_v1.go): a wait's conditions are matched in the engine; a listen stream receives
/// the match data of each (task, signal key) it asks for, once the wait is over, including waits that ended before
/// it asked. Signals live on their task run, so a replayed attempt (another worker, after a reassignment) that waits
/// on the same key finds the first wait's deadline and result: nothing is started again.
/// </summary>
internal sealed class DurableSignals(PendingMatches pending, EngineCounters counters)
{
    private readonly HashSet<DurableEventListener> _listeners = [];

    /// <summary>Registers a wait, unless the task already has one under the key (a replay: the first one stands).</summary>
    /// <param name="task">The durable task run.</param>
    /// <param name="key">The signal key.</param>
    /// <param name="conditions">The wait's conditions, not yet started.</param>
    /// <param name="now">The current time.</param>
    public void Register(TaskRun task, string key, List<MatchCondition> conditions, DateTimeOffset now)
    {
        var signals = task.DurableSignals ??= new Dictionary<string, DurableSignal>(StringComparer.Ordinal);
        if (signals.ContainsKey(key))
        {
            return;
        }

        counters.DurableWaitRegistered();
        var signal = new DurableSignal(task, key, null);
        signals[key] = signal;
        var match = new ConditionMatch(signal, ConditionParser.Start(conditions, now));
        signal.Match = match;
        if (pending.Add(match, now))
        {
            Fire(signal, match);
        }
    }

    /// <summary>A wait is over: keep its data and send it to every stream that asked for it.</summary>
    /// <param name="signal">The signal.</param>
    /// <param name="match">Its decided match.</param>
    public void Fire(DurableSignal signal, ConditionMatch match)
    {
        signal.ResultJson = match.DataJson(MatchAction.Create);
        var id = (signal.Task.ExternalId, signal.Key);
        foreach (var listener in _listeners)
        {
            if (listener.Interest.Remove(id))
            {
                listener.Events.Writer.TryWrite(new DurableEventOut(id.ExternalId, id.Key, signal.ResultJson));
            }
        }
    }

    /// <summary>Opens a listen stream.</summary>
    /// <returns>The listener.</returns>
    public DurableEventListener Open()
    {
        var listener = new DurableEventListener();
        _listeners.Add(listener);
        return listener;
    }

    /// <summary>Closes a listen stream.</summary>
    /// <param name="listener">The listener.</param>
    public void Close(DurableEventListener listener)
    {
        _listeners.Remove(listener);
        listener.Events.Writer.TryComplete();
    }

    /// <summary>A stream asks for a task's signal: sent at once when the wait is over, else when it ends.</summary>
    /// <param name="listener">The listener.</param>
    /// <param name="task">The task run.</param>
    /// <param name="key">The signal key.</param>
    public static void Listen(DurableEventListener listener, TaskRun task, string key)
    {
        if (task.DurableSignals?.GetValueOrDefault(key) is { ResultJson: { } data })
        {
            listener.Events.Writer.TryWrite(new DurableEventOut(task.ExternalId, key, data));
            return;
        }

        listener.Interest.Add((task.ExternalId, key));
    }
}

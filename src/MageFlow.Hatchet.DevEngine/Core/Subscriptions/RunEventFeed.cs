using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Core.Subscriptions;

/// <summary>
/// The <c>SubscribeToWorkflowEvents</c> streams: by run id, or by additional-metadata key/value. Like Hatchet's tenant
/// stream, events are only fanned out to the streams open when they happen; nothing is kept for later subscribers.
/// </summary>
internal sealed class RunEventFeed(TimeProvider time, EngineCounters counters)
{
    private readonly Dictionary<string, List<EventSubscriber>> _byRun = new(StringComparer.Ordinal);
    private readonly List<EventSubscriber> _byMetadata = [];

    /// <summary>Tells whether any stream may want a run's events, so that the hot path makes none when nobody listens.</summary>
    /// <param name="run">The run.</param>
    /// <returns><see langword="true"/> when an event of the run should be published.</returns>
    public bool Watches(WorkflowRun run) => _byMetadata.Count > 0 || (_byRun.Count > 0 && _byRun.ContainsKey(run.Id));

    /// <summary>Adds a stream.</summary>
    /// <param name="subscriber">The stream's subscriber.</param>
    public void Subscribe(EventSubscriber subscriber)
    {
        counters.EventStreamOpened();
        if (subscriber.RunId is { } runId)
        {
            if (!_byRun.TryGetValue(runId, out var list))
            {
                _byRun[runId] = list = [];
            }

            list.Add(subscriber);
        }
        else
        {
            _byMetadata.Add(subscriber);
        }
    }

    /// <summary>Drops a stream (it ended, or its client went away).</summary>
    /// <param name="subscriber">The stream's subscriber.</param>
    public void Unsubscribe(EventSubscriber subscriber)
    {
        if (subscriber.RunId is { } runId)
        {
            if (_byRun.TryGetValue(runId, out var list) && list.Remove(subscriber) && list.Count == 0)
            {
                _byRun.Remove(runId);
            }
        }
        else
        {
            _byMetadata.Remove(subscriber);
        }
    }

    /// <summary>Hands an event of a run to the streams following it; a stream that ends with it is dropped.</summary>
    /// <param name="run">The run the event belongs to.</param>
    /// <param name="evt">The event.</param>
    public void Publish(WorkflowRun run, RunEvent evt)
    {
        var now = time.GetUtcNow();
        if (_byRun.TryGetValue(run.Id, out var list))
        {
            foreach (var s in list.ToArray())
            {
                if (s.Offer(evt, now))
                {
                    s.Events.Writer.TryComplete();
                    Unsubscribe(s);
                }
            }
        }

        foreach (var s in _byMetadata.ToArray())
        {
            if (s.Matches(run) && s.Offer(evt, now))
            {
                s.Events.Writer.TryComplete();
                _byMetadata.Remove(s);
            }
        }
    }
}

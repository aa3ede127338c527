using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Runs;

namespace MageFlow.Hatchet.DevEngine.Core.Subscriptions;

/// <summary>
/// The <c>SubscribeToWorkflowRuns</c> streams waiting for runs to finish, by run id. Each subscriber gets one
/// snapshot per run it asked for, when the run finishes (at once if it already has).
/// </summary>
internal sealed class RunSubscriptions
{
    private readonly Dictionary<string, List<RunSubscriber>> _byRun = new(StringComparer.Ordinal);

    // A fault hook's budget: this many of the next finished runs that have subscribers are delivered twice.
    private int _duplicatesArmed;

    /// <summary>Subscribes to a run's end.</summary>
    /// <param name="runId">The run id asked for.</param>
    /// <param name="run">The run, if the engine knows it (a run may be subscribed to before it exists).</param>
    /// <param name="subscriber">The subscriber.</param>
    public void Subscribe(string runId, WorkflowRun? run, RunSubscriber subscriber)
    {
        if (run is { Finalized: true })
        {
            subscriber.Events.Writer.TryWrite(RunSnapshots.Finished(run));
            return;
        }

        if (!_byRun.TryGetValue(runId, out var list))
        {
            _byRun[runId] = list = [];
        }

        list.Add(subscriber);
    }

    /// <summary>Drops a subscriber's remaining subscriptions (its stream ended).</summary>
    /// <param name="subscriber">The subscriber.</param>
    /// <param name="runIds">The runs it still waited for.</param>
    public void Unsubscribe(RunSubscriber subscriber, IEnumerable<string> runIds)
    {
        foreach (var id in runIds)
        {
            if (_byRun.TryGetValue(id, out var list))
            {
                list.Remove(subscriber);
                if (list.Count == 0)
                {
                    _byRun.Remove(id);
                }
            }
        }
    }

    /// <summary>Hands a run that just finished to its subscribers, who are then done with it.</summary>
    /// <param name="run">The finished run.</param>
    public void PublishFinished(WorkflowRun run)
    {
        if (_byRun.Remove(run.Id, out var subscribers))
        {
            var finished = RunSnapshots.Finished(run);
            var copies = _duplicatesArmed > 0 ? 2 : 1;
            _duplicatesArmed -= copies - 1;
            foreach (var s in subscribers)
            {
                for (var i = 0; i < copies; i++)
                {
                    s.Events.Writer.TryWrite(finished);
                }
            }
        }
    }

    /// <summary>
    /// Fault hook: delivers the end of each of the next <paramref name="count"/> finished runs that have subscribers
    /// twice, as a redelivering network or a replayed stream would. Subscribers must treat the copy as a no-op.
    /// </summary>
    /// <param name="count">How many finished runs to duplicate.</param>
    public void DuplicateNextFinished(int count) => _duplicatesArmed += count;
}

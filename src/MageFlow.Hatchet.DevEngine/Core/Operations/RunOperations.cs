using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Subscriptions;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>
/// Watching and controlling runs: result subscriptions, details, cancel, replay. Each method is one atomic
/// transition under the engine lock.
/// </summary>
internal sealed class RunOperations(Lock gate, RunStore runs, RunSubscriptions subscriptions, RunEventFeed feed, RunAdministration administration, TimeProvider time)
{
    /// <summary>Subscribes a <c>SubscribeToWorkflowRuns</c> stream to a run's end.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="subscriber">The stream's subscriber.</param>
    public void Subscribe(string runId, RunSubscriber subscriber)
    {
        lock (gate)
        {
            subscriptions.Subscribe(runId, runs.TryGetRun(runId, out var run) ? run : null, subscriber);
        }
    }

    /// <summary>Fault hook: the next <paramref name="count"/> finished runs with subscribers are delivered to them twice.</summary>
    /// <param name="count">How many finished runs to duplicate.</param>
    public void DuplicateNextFinished(int count)
    {
        lock (gate)
        {
            subscriptions.DuplicateNextFinished(count);
        }
    }

    /// <summary>Drops a stream's remaining subscriptions.</summary>
    /// <param name="subscriber">The stream's subscriber.</param>
    /// <param name="runIds">The runs it still waited for.</param>
    public void Unsubscribe(RunSubscriber subscriber, IEnumerable<string> runIds)
    {
        lock (gate)
        {
            subscriptions.Unsubscribe(subscriber, runIds);
        }
    }

    /// <summary>
    /// Opens a <c>SubscribeToWorkflowEvents</c> stream. A run subscription to a run that has already finished gets nothing
    /// (Hatchet ends such a stream at once); one to a run the engine does not know is refused.
    /// </summary>
    /// <param name="subscriber">The stream's subscriber.</param>
    /// <returns><see langword="false"/> when the stream has nothing to wait for and ends now.</returns>
    public bool SubscribeEvents(EventSubscriber subscriber)
    {
        if (subscriber.RunId is { } runId && !Guid.TryParse(runId, out _))
        {
            throw EngineErrors.Invalid($"invalid workflow run id {runId}");
        }

        lock (gate)
        {
            if (subscriber.RunId is { } id)
            {
                if (!runs.TryGetRun(id, out var run))
                {
                    throw EngineErrors.NotFound($"workflow run {id} not found");
                }

                if (run.Finalized)
                {
                    return false;
                }
            }

            feed.Subscribe(subscriber);
            return true;
        }
    }

    /// <summary>Closes a <c>SubscribeToWorkflowEvents</c> stream.</summary>
    /// <param name="subscriber">The stream's subscriber.</param>
    public void UnsubscribeEvents(EventSubscriber subscriber)
    {
        lock (gate)
        {
            feed.Unsubscribe(subscriber);
        }
    }

    /// <summary>Gets when a stream's held (out-of-order) chunks are due to be sent anyway.</summary>
    /// <param name="subscriber">The stream's subscriber.</param>
    /// <returns>The time, or <see langword="null"/> when it holds none.</returns>
    public DateTimeOffset? HeldUntil(EventSubscriber subscriber)
    {
        lock (gate)
        {
            return subscriber.HeldUntil;
        }
    }

    /// <summary>Sends a stream's chunks held past their limit.</summary>
    /// <param name="subscriber">The stream's subscriber.</param>
    public void SendOverdue(EventSubscriber subscriber)
    {
        lock (gate)
        {
            subscriber.SendOverdue(time.GetUtcNow());
        }
    }

    /// <summary>Snapshots a run (<c>GetRunDetails</c>).</summary>
    /// <param name="externalId">A run or task run id.</param>
    /// <returns>The snapshot.</returns>
    public RunDetails GetDetails(string externalId)
    {
        RunAdministration.ValidateId(externalId);
        lock (gate)
        {
            return administration.Details(externalId);
        }
    }

    /// <summary>Cancels runs and task runs by id (<c>CancelTasks</c>, REST).</summary>
    /// <param name="externalIds">Run or task run ids, each a UUID.</param>
    /// <returns>The ids asked for.</returns>
    public IReadOnlyList<string> Cancel(IEnumerable<string> externalIds)
    {
        var ids = RunAdministration.ParseCancelIds(externalIds);
        lock (gate)
        {
            return administration.Cancel(ids);
        }
    }

    /// <summary>Replays finished runs by id (<c>ReplayTasks</c>, REST).</summary>
    /// <param name="externalIds">Run or task run ids.</param>
    /// <returns>The ids of the task runs replayed.</returns>
    public IReadOnlyList<string> Replay(IEnumerable<string> externalIds)
    {
        lock (gate)
        {
            return administration.Replay(externalIds);
        }
    }

    /// <summary>Tells whether the engine still knows a run or task run.</summary>
    /// <param name="externalId">A run or task run id.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Exists(string externalId)
    {
        lock (gate)
        {
            return runs.FindRunOrTaskRun(externalId) is not null;
        }
    }

    /// <summary>Snapshots the runs a filter keeps, newest first (the REST run list).</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>The snapshots.</returns>
    public List<RunDetails> List(RunFilter filter)
    {
        lock (gate)
        {
            return [.. runs.All.Where(filter.Matches).OrderByDescending(r => r.CreatedAt).Select(RunSnapshots.Details)];
        }
    }

    /// <summary>Cancels the runs a filter keeps (<c>CancelTasks</c> with a filter).</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>The ids of the runs asked for.</returns>
    public IReadOnlyList<string> Cancel(RunFilter filter)
    {
        lock (gate)
        {
            return administration.Cancel(MatchingIds(filter));
        }
    }

    /// <summary>Replays the runs a filter keeps (<c>ReplayTasks</c> with a filter).</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>The ids of the task runs replayed.</returns>
    public IReadOnlyList<string> Replay(RunFilter filter)
    {
        lock (gate)
        {
            return administration.Replay(MatchingIds(filter));
        }
    }

    // Hatchet caps a cancel or replay by filter at the first 20,000 runs it lists.
    private List<string> MatchingIds(RunFilter filter) =>
        [.. runs.All.Where(filter.Matches).OrderByDescending(r => r.CreatedAt).Take(20_000).Select(r => r.Id)];
}

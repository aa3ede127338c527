using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Subscriptions;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>
/// Watching and controlling runs: result subscriptions, details, cancel, replay. Each method is one atomic
/// transition under the engine lock.
/// </summary>
internal sealed class RunOperations(Lock gate, RunStore runs, RunSubscriptions subscriptions, RunAdministration administration)
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
}

using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>What a task waits on (its conditions, its durable waits and log entries) ends with the task.</summary>
internal sealed partial class RunLifecycle
{
    /// <summary>A task that ended stops waiting: its pending conditions and unfinished durable waits are dropped (a
    /// replay registers them afresh); finished durable waits stay, as Hatchet keeps their events.</summary>
    private void DropWaits(TaskRun task)
    {
        if (task.ConditionMatch is { } match)
        {
            pending.Remove(match);
            task.ConditionMatch = null;
        }

        durableLogs.TaskEnded(task);
        if (task.DurableSignals is { } signals)
        {
            foreach (var signal in signals.Values.Where(s => s.ResultJson is null).ToArray())
            {
                pending.Remove(signal.Match!);
                signals.Remove(signal.Key);
            }
        }
    }
}

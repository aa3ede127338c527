using MageFlow.Hatchet.DevEngine.Core.Durable;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Runs;

namespace MageFlow.Hatchet.DevEngine.Core.Matching;

/// <summary>Acts on decided matches: a durable wait fires its signal or ends its log entry, a DAG task is queued, skipped or cancelled.</summary>
internal sealed class MatchOutcomes(RunLifecycle lifecycle, DurableSignals signals, DurableEventLogs logs)
{
    /// <summary>Acts on each decided match.</summary>
    /// <param name="decided">The matches, or null.</param>
    public void Apply(List<ConditionMatch>? decided)
    {
        foreach (var match in decided ?? [])
        {
            switch (match.Owner)
            {
                case DurableSignal signal:
                    signals.Fire(signal, match);
                    break;
                case DurableLogEntry entry:
                    logs.Decided(entry, match);
                    break;
                case TaskRun task:
                    lifecycle.ApplyConditions(task, match);
                    break;
            }
        }
    }
}

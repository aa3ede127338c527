using MageFlow.Hatchet.DevEngine.Core.Matching;
using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>One durable wait of a task, by signal key: the checkpoint a replayed attempt finds again.</summary>
internal sealed class DurableSignal(TaskRun task, string key, ConditionMatch? match)
{
    public TaskRun Task { get; } = task;

    public string Key { get; } = key;

    public ConditionMatch? Match { get; set; } = match;

    /// <summary>Gets or sets the match data once the wait is over (<c>{"CREATE": {key: [data]}}</c>).</summary>
    public string? ResultJson { get; set; }
}

using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Tasks.Conditions;

/// <summary>Holds once a duration has passed, counted by the engine from when the condition was registered (for a DAG
/// task, when its parents completed).</summary>
/// <param name="duration">The duration, whole seconds or more.</param>
public sealed class SleepCondition(TimeSpan duration) : Condition
{
    /// <summary>Gets the duration.</summary>
    public TimeSpan Duration { get; } = duration > TimeSpan.Zero ? duration : throw new ArgumentOutOfRangeException(nameof(duration), duration, "a sleep must be positive");

    internal override void AddTo(ConditionSet set, Protocol.V1.Action action, string orGroupId)
    {
        var text = Durations.Format(Duration);
        set.Sleeps.Add(new SleepMatchCondition { Base = Base("sleep:" + text, action, orGroupId, null), SleepFor = text });
    }
}

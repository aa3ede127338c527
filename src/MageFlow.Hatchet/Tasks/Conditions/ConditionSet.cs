using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Tasks.Conditions;

/// <summary>Conditions in their protocol form, before they go into a task's declaration or a durable wait.</summary>
internal sealed class ConditionSet
{
    public List<SleepMatchCondition> Sleeps { get; } = [];

    public List<UserEventMatchCondition> UserEvents { get; } = [];

    public List<ParentOverrideMatchCondition> Parents { get; } = [];

    /// <summary>Adds conditions that must all hold: each gets a group of its own, an <see cref="OrCondition"/> one group
    /// for its alternatives.</summary>
    public void AddAll(IEnumerable<Condition> conditions, Protocol.V1.Action action)
    {
        foreach (var c in conditions)
        {
            c.AddTo(this, action, Guid.NewGuid().ToString());
        }
    }

    public TaskConditions ToTask()
    {
        var proto = new TaskConditions();
        proto.SleepConditions.AddRange(Sleeps);
        proto.UserEventConditions.AddRange(UserEvents);
        proto.ParentOverrideConditions.AddRange(Parents);
        return proto;
    }

    public DurableEventListenerConditions ToDurable()
    {
        if (Parents.Count > 0)
        {
            throw new ArgumentException("a durable wait cannot depend on a parent's output; only sleep and user event conditions");
        }

        var proto = new DurableEventListenerConditions();
        proto.SleepConditions.AddRange(Sleeps);
        proto.UserEventConditions.AddRange(UserEvents);
        return proto;
    }
}

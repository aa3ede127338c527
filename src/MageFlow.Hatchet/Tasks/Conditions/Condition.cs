using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Tasks.Conditions;

/// <summary>A condition a DAG task (<see cref="TaskOptions.WaitFor"/>, <see cref="TaskOptions.SkipIf"/>,
/// <see cref="TaskOptions.CancelIf"/>) or a durable wait (<see cref="DurableContext.WaitForAsync"/>) depends on, as
/// Hatchet's <c>v1/shared/condition.proto</c> defines them. Conditions in one list must all hold; the alternatives of
/// an <see cref="Or"/> group need one to hold.</summary>
public abstract class Condition
{
    private protected Condition()
    {
    }

    /// <summary>A group of alternatives: it holds once any of them holds.</summary>
    /// <param name="conditions">The alternatives.</param>
    /// <returns>The group.</returns>
    public static OrCondition Or(params Condition[] conditions) => new(conditions);

    /// <summary>Adds the condition's protocol form to a list of conditions.</summary>
    internal abstract void AddTo(ConditionSet set, Protocol.V1.Action action, string orGroupId);

    /// <summary>The common part of a condition's protocol form.</summary>
    private protected static BaseMatchCondition Base(string readableDataKey, Protocol.V1.Action action, string orGroupId, string? expression) =>
        new() { ReadableDataKey = readableDataKey, Action = action, OrGroupId = orGroupId, Expression = expression ?? string.Empty };
}

using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Tasks.Conditions;

/// <summary>Holds when a parent task's output makes the expression hold (<c>output</c>), e.g. <c>output.score &gt; 50</c>.
/// DAG tasks only.</summary>
/// <param name="parentTaskName">The parent task's name.</param>
/// <param name="expression">A CEL expression over <c>output</c>.</param>
public sealed class ParentCondition(string parentTaskName, string expression) : Condition
{
    /// <summary>Gets the parent task's name (lower case, as tasks are named).</summary>
    public string ParentTaskName { get; } = !string.IsNullOrWhiteSpace(parentTaskName) ? parentTaskName.Trim().ToLowerInvariant() : throw new ArgumentException("the parent's name must not be empty", nameof(parentTaskName));

    /// <summary>Gets the expression.</summary>
    public string Expression { get; } = expression ?? throw new ArgumentNullException(nameof(expression));

    internal override void AddTo(ConditionSet set, Protocol.V1.Action action, string orGroupId) =>
        set.Parents.Add(new ParentOverrideMatchCondition { Base = Base(ParentTaskName, action, orGroupId, Expression), ParentReadableId = ParentTaskName });
}

namespace MageFlow.Hatchet.Tasks.Conditions;

/// <summary>Alternatives: the group holds once any of them holds (they share one <c>or_group_id</c>).</summary>
public sealed class OrCondition : Condition
{
    internal OrCondition(IReadOnlyList<Condition> alternatives)
    {
        ArgumentNullException.ThrowIfNull(alternatives);
        if (alternatives.Count == 0 || alternatives.Any(a => a is null or OrCondition))
        {
            throw new ArgumentException("an Or group needs at least one condition, none of them an Or group itself", nameof(alternatives));
        }

        Alternatives = alternatives;
    }

    /// <summary>Gets the alternatives.</summary>
    public IReadOnlyList<Condition> Alternatives { get; }

    internal override void AddTo(ConditionSet set, Protocol.V1.Action action, string orGroupId)
    {
        foreach (var a in Alternatives)
        {
            a.AddTo(set, action, orGroupId);
        }
    }
}

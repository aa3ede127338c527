using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Tasks.Conditions;

/// <summary>Holds once an event with the key is pushed and the expression holds on its payload (<c>input</c>).</summary>
/// <param name="eventKey">The event key (not namespaced: give the key as pushed).</param>
/// <param name="expression">A CEL expression over <c>input</c>, or null for any event with the key.</param>
public sealed class UserEventCondition(string eventKey, string? expression = null) : Condition
{
    /// <summary>Gets the event key.</summary>
    public string EventKey { get; } = !string.IsNullOrEmpty(eventKey) ? eventKey : throw new ArgumentException("the event key must not be empty", nameof(eventKey));

    /// <summary>Gets the expression.</summary>
    public string? Expression { get; } = expression;

    internal override void AddTo(ConditionSet set, Protocol.V1.Action action, string orGroupId) =>
        set.UserEvents.Add(new UserEventMatchCondition { Base = Base(EventKey, action, orGroupId, Expression), UserEventKey = EventKey });
}

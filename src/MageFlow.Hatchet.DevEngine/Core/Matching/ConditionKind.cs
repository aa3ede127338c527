namespace MageFlow.Hatchet.DevEngine.Core.Matching;

/// <summary>The kinds of match conditions in <c>v1/shared/condition.proto</c>.</summary>
internal enum ConditionKind
{
    /// <summary>A duration passed since the condition was registered.</summary>
    Sleep,

    /// <summary>A user event with the key (and scope, when given) was pushed and the expression holds on its payload.</summary>
    UserEvent,

    /// <summary>A parent task's output makes the expression hold.</summary>
    ParentOutput,
}

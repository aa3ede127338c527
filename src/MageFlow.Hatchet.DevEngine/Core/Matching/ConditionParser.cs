using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Matching;

/// <summary>Turns <c>v1/shared/condition.proto</c> messages into match conditions, refusing what the dev engine cannot
/// evaluate with <c>INVALID_ARGUMENT</c>.</summary>
internal static class ConditionParser
{
    /// <summary>The conditions of a durable wait (<c>RegisterDurableEvent</c>); every one fires the signal (CREATE), as
    /// Hatchet registers signal conditions whatever action the client set.</summary>
    /// <param name="conditions">The conditions.</param>
    /// <returns>The unstarted conditions (see <see cref="Start"/>).</returns>
    public static List<MatchCondition> FromDurable(DurableEventListenerConditions? conditions)
    {
        var list = new List<MatchCondition>();
        foreach (var s in conditions?.SleepConditions ?? [])
        {
            list.Add(Sleep(s, MatchAction.Create, "durable sleep condition"));
        }

        foreach (var e in conditions?.UserEventConditions ?? [])
        {
            list.Add(UserEvent(e, MatchAction.Create, "durable user event condition"));
        }

        if (list.Count == 0)
        {
            throw EngineErrors.Invalid("a durable event needs at least one sleep or user event condition");
        }

        return list;
    }

    /// <summary>The conditions of a DAG task (<c>CreateTaskOpts.conditions</c>): <c>wait_for</c> (QUEUE), <c>skip_if</c>
    /// (SKIP) and <c>cancel_if</c> (CANCEL), each with sleep, user-event and parent-output conditions.</summary>
    /// <param name="conditions">The conditions.</param>
    /// <param name="task">The task's name, for messages.</param>
    /// <param name="parents">The task's parents: a parent-output condition must name one.</param>
    /// <returns>The unstarted conditions.</returns>
    public static List<MatchCondition> FromTask(TaskConditions? conditions, string task, IReadOnlyList<string> parents)
    {
        var list = new List<MatchCondition>();
        if (conditions is null)
        {
            return list;
        }

        foreach (var s in conditions.SleepConditions)
        {
            list.Add(Sleep(s, ActionOf(s.Base, task), $"task '{task}': sleep condition"));
        }

        foreach (var e in conditions.UserEventConditions)
        {
            list.Add(UserEvent(e, ActionOf(e.Base, task), $"task '{task}': user event condition"));
        }

        foreach (var p in conditions.ParentOverrideConditions)
        {
            var what = $"task '{task}': parent condition";
            if (!parents.Contains(p.ParentReadableId, StringComparer.Ordinal))
            {
                throw EngineErrors.Invalid($"{what} names '{p.ParentReadableId}', which is not a parent of the task");
            }

            list.Add(new MatchCondition
            {
                Kind = ConditionKind.ParentOutput,
                Action = ActionOf(p.Base, task),
                OrGroupId = GroupId(p.Base, what),
                ReadableDataKey = p.Base?.ReadableDataKey ?? string.Empty,
                Expression = MatchExpression.Parse(p.Base?.Expression, what),
                ParentReadableId = p.ParentReadableId,
            });
        }

        return list;
    }

    /// <summary>Fresh copies of conditions, their sleeps counted from now.</summary>
    /// <param name="templates">The conditions as declared.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The copies.</returns>
    public static List<MatchCondition> Start(IEnumerable<MatchCondition> templates, DateTimeOffset now) =>
        templates.Select(t => new MatchCondition
        {
            Kind = t.Kind,
            Action = t.Action,
            OrGroupId = t.OrGroupId,
            ReadableDataKey = t.ReadableDataKey,
            Expression = t.Expression,
            SleepFor = t.SleepFor,
            SleepDuration = t.SleepDuration,
            WakeAt = t.Kind == ConditionKind.Sleep ? now + t.SleepDuration : null,
            EventKey = t.EventKey,
            EventScope = t.EventScope,
            ConsiderEventsSince = t.ConsiderEventsSince,
            ParentReadableId = t.ParentReadableId,
        }).ToList();

    private static MatchAction ActionOf(BaseMatchCondition? b, string task) =>
        (b?.Action ?? Protocol.V1.Action.Create) switch
        {
            Protocol.V1.Action.Create or Protocol.V1.Action.Queue => MatchAction.Queue,
            Protocol.V1.Action.Skip => MatchAction.Skip,
            Protocol.V1.Action.Cancel => MatchAction.Cancel,
            var a => throw EngineErrors.Invalid($"task '{task}': unknown condition action {(int)a}"),
        };

    private static MatchCondition Sleep(SleepMatchCondition s, MatchAction action, string what) => new()
    {
        Kind = ConditionKind.Sleep,
        Action = action,
        OrGroupId = GroupId(s.Base, what),
        ReadableDataKey = s.Base?.ReadableDataKey ?? string.Empty,
        Expression = MatchExpression.Parse(null, what),
        SleepFor = s.SleepFor,
        SleepDuration = DurationParser.Parse(s.SleepFor, what),
    };

    private static MatchCondition UserEvent(UserEventMatchCondition e, MatchAction action, string what)
    {
        if (string.IsNullOrEmpty(e.UserEventKey))
        {
            throw EngineErrors.Invalid($"{what}: user_event_key is empty");
        }

        return new MatchCondition
        {
            Kind = ConditionKind.UserEvent,
            Action = action,
            OrGroupId = GroupId(e.Base, what),
            ReadableDataKey = e.Base?.ReadableDataKey ?? string.Empty,
            Expression = MatchExpression.Parse(e.Base?.Expression, what),
            EventKey = e.UserEventKey,
            EventScope = e.HasEventScope && e.EventScope.Length > 0 ? e.EventScope : null,
            ConsiderEventsSince = e.ConsiderEventsSince?.ToDateTimeOffset(),
        };
    }

    private static string GroupId(BaseMatchCondition? b, string what) =>
        Guid.TryParse(b?.OrGroupId, out var id)
            ? id.ToString()
            : throw EngineErrors.Invalid($"{what}: or group id is not a valid uuid");
}

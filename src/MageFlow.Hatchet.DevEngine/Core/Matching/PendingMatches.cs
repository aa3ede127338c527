using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Core.Matching;

/// <summary>The matches still waiting for a decision: sleeps fire on the engine's clock, user events as they are pushed.
/// Runs under the engine lock; each call returns the matches it decided, for their owners to act on.</summary>
internal sealed class PendingMatches
{
    private readonly HashSet<ConditionMatch> _pending = [];

    /// <summary>Adds a match; it is decided at once when it already holds (a parent-output condition, a zero sleep).</summary>
    /// <param name="match">The match.</param>
    /// <param name="now">The current time.</param>
    /// <returns>Whether the match was decided at once.</returns>
    public bool Add(ConditionMatch match, DateTimeOffset now)
    {
        _pending.Add(match);
        var decided = new List<ConditionMatch>();
        Wake(match, now);
        Decide(match, decided);
        return decided.Count > 0;
    }

    /// <summary>Drops a match whose owner no longer waits (its task ended).</summary>
    /// <param name="match">The match.</param>
    public void Remove(ConditionMatch match) => _pending.Remove(match);

    /// <summary>Satisfies the sleeps that are due.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The matches decided, or <see langword="null"/>.</returns>
    public List<ConditionMatch>? Tick(DateTimeOffset now)
    {
        List<ConditionMatch>? decided = null;
        foreach (var match in _pending.ToArray())
        {
            var list = decided ??= [];
            Wake(match, now);
            Decide(match, list);
        }

        return decided is { Count: > 0 } ? decided : null;
    }

    /// <summary>Satisfies the user-event conditions an event meets: same key, same scope when the condition has one, and
    /// the expression holds on the payload (<c>processCELExpressions</c>, pkg/repository/match.go).</summary>
    /// <param name="key">The event key.</param>
    /// <param name="scope">The event's scope.</param>
    /// <param name="payloadJson">The event's payload.</param>
    /// <returns>The matches decided.</returns>
    public List<ConditionMatch> OnEvent(string key, string? scope, string payloadJson)
    {
        var decided = new List<ConditionMatch>();
        JsonElement? input = null;
        foreach (var match in _pending.ToArray())
        {
            foreach (var c in match.Conditions)
            {
                if (c.Kind != ConditionKind.UserEvent || c.Satisfied || c.EventKey != key || (c.EventScope is not null && c.EventScope != scope))
                {
                    continue;
                }

                input ??= ParseObject(payloadJson);
                if (c.Expression.Holds(input, null))
                {
                    c.Satisfied = true;
                    c.DataJson = payloadJson;
                }
            }

            Decide(match, decided);
        }

        return decided;
    }

    /// <summary>Offers one earlier event to one pending match only (a durable wait's lookback): the user-event conditions
    /// it meets are satisfied as <see cref="OnEvent"/> would have satisfied them.</summary>
    /// <param name="match">The match.</param>
    /// <param name="key">The event key.</param>
    /// <param name="scope">The event's scope.</param>
    /// <param name="payloadJson">The event's payload.</param>
    /// <returns>Whether the match was decided.</returns>
    public bool Offer(ConditionMatch match, string key, string? scope, string payloadJson)
    {
        if (!_pending.Contains(match))
        {
            return false;
        }

        JsonElement? input = null;
        foreach (var c in match.Conditions)
        {
            if (c.Kind == ConditionKind.UserEvent && !c.Satisfied && c.EventKey == key && (c.EventScope is null || c.EventScope == scope))
            {
                input ??= ParseObject(payloadJson);
                if (c.Expression.Holds(input, null))
                {
                    c.Satisfied = true;
                    c.DataJson = payloadJson;
                }
            }
        }

        var decided = new List<ConditionMatch>();
        Decide(match, decided);
        return decided.Count > 0;
    }

    /// <summary>Satisfies a match's parent-output conditions from its parents' outputs.</summary>
    /// <param name="match">The match.</param>
    /// <param name="outputOf">The output JSON of a parent by name, or null.</param>
    public static void ApplyParentOutputs(ConditionMatch match, Func<string, string?> outputOf)
    {
        foreach (var c in match.Conditions)
        {
            if (c.Kind == ConditionKind.ParentOutput && outputOf(c.ParentReadableId!) is { } json && c.Expression.Holds(null, ParseObject(json)))
            {
                c.Satisfied = true;
                c.DataJson = json;
            }
        }
    }

    private static JsonElement ParseObject(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static void Wake(ConditionMatch match, DateTimeOffset now)
    {
        foreach (var c in match.Conditions)
        {
            if (c.Kind == ConditionKind.Sleep && !c.Satisfied && c.WakeAt <= now)
            {
                c.Satisfied = true;

                // Hatchet's durable sleep event data (durableSleepEventData, pkg/repository/task.go).
                c.DataJson = JsonSerializer.Serialize(new Dictionary<string, string> { ["sleep_duration"] = c.SleepFor ?? string.Empty });
            }
        }
    }

    private void Decide(ConditionMatch match, List<ConditionMatch> decided)
    {
        if (match.Decided is null && match.Evaluate() is { } action)
        {
            match.Decided = action;
            _pending.Remove(match);
            decided.Add(match);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using MageFlow.Hatchet.DevEngine.Core.Matching;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>
/// What a durable call asks for, as Hatchet compares it on replay (<c>createIdempotencyKey</c> in
/// pkg/repository/durable_events.go): the SHA-256 of the kind and the call's stable parts (a spawn's input and workflow
/// name; a wait's conditions, sorted), and how the call reads in a nondeterminism error.
/// </summary>
internal static class DurableCallKeys
{
    /// <summary>The key of one spawned run.</summary>
    /// <param name="workflowName">The workflow name.</param>
    /// <param name="inputJson">The input as sent.</param>
    /// <returns>The key.</returns>
    public static string ForRun(string workflowName, string inputJson) => Hash("RUN" + inputJson + workflowName);

    /// <summary>The key of a wait: its conditions sorted by expression, data key, kind, duration, event key.</summary>
    /// <param name="conditions">The conditions.</param>
    /// <returns>The key.</returns>
    public static string ForWait(DurableEventListenerConditions conditions)
    {
        var parts = conditions.SleepConditions
            .Select(s => (Expression: string.Empty, Key: s.Base?.ReadableDataKey ?? string.Empty, Kind: "SLEEP", Value: s.SleepFor))
            .Concat(conditions.UserEventConditions.Select(e => (Expression: e.Base?.Expression ?? string.Empty, Key: e.Base?.ReadableDataKey ?? string.Empty, Kind: "USER_EVENT", Value: e.UserEventKey)))
            .OrderBy(p => p.Expression, StringComparer.Ordinal)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Kind, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        var text = new StringBuilder("WAIT_FOR");
        foreach (var p in parts)
        {
            text.Append(p.Expression).Append(p.Key).Append(p.Kind).Append(p.Value);
        }

        return Hash(text.ToString());
    }

    /// <summary>The memo key as sent, in hex.</summary>
    /// <param name="key">The key bytes.</param>
    /// <returns>The key.</returns>
    public static string ForMemo(ReadOnlySpan<byte> key) => Convert.ToHexString(key);

    /// <summary>How a wait reads: <c>sleep(2s)</c>, <c>event(key)</c>, <c>any of: …</c> for an or-group, joined by <c>and</c>.</summary>
    /// <param name="conditions">The parsed conditions.</param>
    /// <returns>The description.</returns>
    public static string Describe(IEnumerable<MatchCondition> conditions)
    {
        var groups = conditions.GroupBy(c => c.OrGroupId, StringComparer.Ordinal)
            .Select(g => g.Select(c => c.Kind == ConditionKind.Sleep ? $"sleep({c.SleepFor})" : $"event({c.EventKey})").ToList())
            .Select(g => g.Count == 1 ? g[0] : "any of: " + string.Join(", ", g))
            .ToList();
        return groups.Count == 0 ? "waiting" : string.Join(" and ", groups);
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

using System.Text;
using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Core.Matching;

/// <summary>
/// A set of conditions registered together (a durable wait, or a DAG task's conditions) and the decision they reach:
/// an action is decided once every group of it has a satisfied condition, as Hatchet's <c>GetSatisfiedMatches</c>
/// (pkg/repository/sqlcv1/matches.sql) decides, with skip before cancel before create before queue.
/// </summary>
internal sealed class ConditionMatch(object owner, IReadOnlyList<MatchCondition> conditions)
{
    private static readonly MatchAction[] Precedence = [MatchAction.Skip, MatchAction.Cancel, MatchAction.Create, MatchAction.Queue];

    /// <summary>Gets the durable signal or task run the match belongs to.</summary>
    public object Owner { get; } = owner;

    public IReadOnlyList<MatchCondition> Conditions { get; } = conditions;

    /// <summary>Gets or sets the action decided, once decided; a decided match takes no more data.</summary>
    public MatchAction? Decided { get; set; }

    /// <summary>Gets whether the match has conditions of the action.</summary>
    /// <param name="action">The action.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Has(MatchAction action) => Conditions.Any(c => c.Action == action);

    /// <summary>The action whose groups all hold now, by precedence, or <see langword="null"/>.</summary>
    /// <returns>The action.</returns>
    public MatchAction? Evaluate()
    {
        foreach (var action in Precedence)
        {
            var groups = Conditions.Where(c => c.Action == action).GroupBy(c => c.OrGroupId, StringComparer.Ordinal).ToList();
            if (groups.Count > 0 && groups.All(g => g.Any(c => c.Satisfied)))
            {
                return action;
            }
        }

        return null;
    }

    /// <summary>The match's data as Hatchet aggregates it: <c>{"ACTION": {"readable_data_key": [data, …]}}</c> over the
    /// satisfied conditions of the action.</summary>
    /// <param name="action">The decided action.</param>
    /// <returns>The JSON.</returns>
    public string DataJson(MatchAction action)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName(action.ToString().ToUpperInvariant());
            w.WriteStartObject();
            foreach (var group in Conditions.Where(c => c.Action == action && c.Satisfied).GroupBy(c => c.ReadableDataKey, StringComparer.Ordinal))
            {
                w.WritePropertyName(group.Key);
                w.WriteStartArray();
                foreach (var c in group)
                {
                    using var doc = JsonDocument.Parse(c.DataJson ?? "null");
                    doc.RootElement.WriteTo(w);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

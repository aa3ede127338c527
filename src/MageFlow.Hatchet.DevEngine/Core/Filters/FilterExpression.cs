using System.Text.Json;
using MageFlow.Hatchet.DevEngine.Core.Matching;

namespace MageFlow.Hatchet.DevEngine.Core.Filters;

/// <summary>
/// An event filter's expression, in the CEL forms the dev engine evaluates: <c>true</c>, <c>false</c>, and one comparison
/// of a field of <c>input</c> (the event's payload) with a literal, as for match conditions. Hatchet evaluates any CEL over
/// <c>input</c>, <c>additional_metadata</c>, <c>payload</c>, <c>event_id</c> and <c>event_key</c>; the dev engine has no
/// CEL interpreter, so it refuses every other form when the filter is declared or created rather than guess at it.
/// An empty expression never holds: Hatchet skips filters without one (<c>makeTriggerDecisions</c>).
/// </summary>
internal sealed class FilterExpression
{
    private readonly MatchExpression? _match;

    private FilterExpression(string text, MatchExpression? match)
    {
        Text = text;
        _match = match;
    }

    /// <summary>Gets the expression as written.</summary>
    public string Text { get; }

    /// <summary>Parses an expression, or answers <c>INVALID_ARGUMENT</c> naming it.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="what">What carries it, for the error message.</param>
    /// <returns>The parsed expression.</returns>
    public static FilterExpression Parse(string? text, string what)
    {
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            return new FilterExpression(text ?? string.Empty, null);
        }

        // `output` is a variable of conditions on a parent's output; an event filter has none, so CEL would fail on it.
        if (trimmed.StartsWith("output.", StringComparison.Ordinal))
        {
            throw EngineErrors.Invalid($"{what}: an event filter has no 'output' variable (got '{trimmed}'); compare a field of input, the event's payload");
        }

        return new FilterExpression(text!, MatchExpression.Parse(trimmed, what));
    }

    /// <summary>Evaluates the expression against an event's payload.</summary>
    /// <param name="payloadJson">The event's payload JSON.</param>
    /// <returns>Whether the filter lets the event trigger a run.</returns>
    public bool Holds(string? payloadJson)
    {
        if (_match is null)
        {
            return false;
        }

        JsonElement? input = null;
        if (!string.IsNullOrWhiteSpace(payloadJson))
        {
            try
            {
                using var doc = JsonDocument.Parse(payloadJson);
                input = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Hatchet fails to read such an input and does not trigger; a comparison on no input is false.
            }
        }

        return _match.Holds(input, null);
    }
}

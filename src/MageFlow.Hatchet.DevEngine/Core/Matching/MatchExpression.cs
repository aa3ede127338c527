using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MageFlow.Hatchet.DevEngine.Core.Matching;

/// <summary>
/// The CEL forms of match conditions the official examples use: empty or <c>true</c>/<c>false</c>, and one comparison of a
/// field of <c>input</c> (the event's payload) or <c>output</c> (the parent's output) with a literal. The dev engine has
/// no CEL interpreter; any other expression is refused when it is registered, never guessed at.
/// </summary>
internal sealed partial class MatchExpression
{
    private readonly string? _root;
    private readonly string[] _path = [];
    private readonly string? _op;
    private readonly JsonElement _literal;
    private readonly bool _constant;

    private MatchExpression(bool constant) => _constant = constant;

    private MatchExpression(string root, string[] path, string op, JsonElement literal)
    {
        _root = root;
        _path = path;
        _op = op;
        _literal = literal;
    }

    /// <summary>Parses an expression, or answers <c>INVALID_ARGUMENT</c> naming it.</summary>
    /// <param name="text">The expression; empty means always true, as Hatchet's SDKs send it for "no filter".</param>
    /// <param name="what">What carries the expression, for the error message.</param>
    /// <returns>The parsed expression.</returns>
    public static MatchExpression Parse(string? text, string what)
    {
        var s = (text ?? string.Empty).Trim();
        if (s.Length == 0 || s == "true")
        {
            return new MatchExpression(true);
        }

        if (s == "false")
        {
            return new MatchExpression(false);
        }

        var m = Comparison().Match(s);
        if (!m.Success || !TryLiteral(m.Groups["lit"].Value, out var literal))
        {
            throw EngineErrors.Invalid(
                $"{what}: the dev engine does not evaluate the CEL expression '{s}'; it supports true, false and one comparison " +
                "such as input.field == 'value' or output.number > 50");
        }

        return new MatchExpression(m.Groups["root"].Value, m.Groups["path"].Value.Split('.'), m.Groups["op"].Value, literal);
    }

    /// <summary>Evaluates the expression. A missing field or a comparison of different kinds is false, as a CEL error is
    /// in Hatchet's matcher (it logs the error and leaves the condition unsatisfied).</summary>
    /// <param name="input">The <c>input</c> variable (an event's payload), or null.</param>
    /// <param name="output">The <c>output</c> variable (a parent's output), or null.</param>
    /// <returns>Whether the condition holds.</returns>
    public bool Holds(JsonElement? input, JsonElement? output)
    {
        if (_root is null)
        {
            return _constant;
        }

        if ((_root == "input" ? input : output) is not { } node)
        {
            return false;
        }

        foreach (var step in _path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(step, out node))
            {
                return false;
            }
        }

        int? order = (node.ValueKind, _literal.ValueKind) switch
        {
            (JsonValueKind.Number, JsonValueKind.Number) => node.GetDouble().CompareTo(_literal.GetDouble()),
            (JsonValueKind.String, JsonValueKind.String) => string.CompareOrdinal(node.GetString(), _literal.GetString()),
            (JsonValueKind.True or JsonValueKind.False, JsonValueKind.True or JsonValueKind.False) => node.GetBoolean().CompareTo(_literal.GetBoolean()),
            _ => null,
        };
        return order is { } o && _op switch
        {
            "==" => o == 0,
            "!=" => o != 0,
            ">" => o > 0,
            ">=" => o >= 0,
            "<" => o < 0,
            _ => o <= 0,
        };
    }

    private static bool TryLiteral(string text, out JsonElement literal)
    {
        literal = default;
        string json;
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            json = JsonSerializer.Serialize(text[1..^1]);
        }
        else if (text is "true" or "false" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || (text.Length >= 2 && text[0] == '"' && text[^1] == '"'))
        {
            json = text;
        }
        else
        {
            return false;
        }

        try
        {
            literal = JsonDocument.Parse(json).RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^(?<root>input|output)\.(?<path>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*(?<op>==|!=|>=|<=|>|<)\s*(?<lit>'[^']*'|""[^""]*""|-?[0-9.]+(?:[eE][-+]?[0-9]+)?|true|false)$")]
    private static partial Regex Comparison();
}

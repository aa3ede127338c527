namespace MageFlow.Hatchet.DevEngine.Core.Workflows;

/// <summary>
/// A workflow's event trigger as Hatchet matches it: a SQL LIKE pattern once <c>*</c> is replaced by <c>%</c>
/// (<c>event_key LIKE REPLACE(pattern, '*', '%')</c>, ListWorkflowsForEvents in pkg/repository/sqlcv1/triggers.sql).
/// So <c>*</c> and <c>%</c> stand for any text, <c>_</c> for any one character, and <c>\</c> makes the next character
/// literal; the whole key must match, case-sensitively, character by character (Unicode code points, as Postgres).
/// </summary>
internal sealed class EventKeyPattern
{
    private const int AnyText = -1;
    private const int AnyCharacter = -2;

    // Code points of literal characters, or one of the two wildcards.
    private readonly int[] _tokens;

    private EventKeyPattern(string text, int[] tokens, string? literal)
    {
        Text = text;
        _tokens = tokens;
        Literal = literal;
    }

    /// <summary>Gets the pattern as registered.</summary>
    public string Text { get; }

    /// <summary>Gets the one key the pattern matches when it has no wildcard (its escapes resolved), else <see langword="null"/>.</summary>
    public string? Literal { get; }

    /// <summary>Reads a pattern.</summary>
    /// <param name="text">The event trigger as registered.</param>
    /// <returns>The pattern.</returns>
    public static EventKeyPattern Parse(string text)
    {
        var tokens = new List<int>(text.Length);
        var escaped = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (escaped)
            {
                tokens.Add(c);
                escaped = false;
            }
            else if (c == '\\')
            {
                escaped = true;
            }
            else
            {
                tokens.Add(c is '*' or '%' ? AnyText : c == '_' ? AnyCharacter : c);
            }
        }

        if (escaped)
        {
            // Postgres refuses a pattern that ends with its escape character; a trailing backslash is taken literally here.
            tokens.Add('\\');
        }

        var literal = tokens.TrueForAll(t => t >= 0)
            ? string.Concat(tokens.Select(t => new System.Text.Rune(t).ToString()))
            : null;
        return new EventKeyPattern(text, [.. tokens], literal);
    }

    /// <summary>Tells whether a pushed key matches the pattern.</summary>
    /// <param name="key">The event key.</param>
    /// <returns><see langword="true"/> on a match.</returns>
    public bool Matches(string key)
    {
        var chars = key.EnumerateRunes().Select(r => r.Value).ToArray();
        int i = 0, j = 0, lastAnyText = -1, resumeAt = 0;
        while (i < chars.Length)
        {
            if (j < _tokens.Length && (_tokens[j] == AnyCharacter || _tokens[j] == chars[i]))
            {
                i++;
                j++;
            }
            else if (j < _tokens.Length && _tokens[j] == AnyText)
            {
                // Let the wildcard match nothing first; widen it one character at a time on a later mismatch.
                lastAnyText = j++;
                resumeAt = i;
            }
            else if (lastAnyText >= 0)
            {
                j = lastAnyText + 1;
                i = ++resumeAt;
            }
            else
            {
                return false;
            }
        }

        while (j < _tokens.Length && _tokens[j] == AnyText)
        {
            j++;
        }

        return j == _tokens.Length;
    }
}

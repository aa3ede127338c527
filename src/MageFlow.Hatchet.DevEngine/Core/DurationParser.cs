using System.Globalization;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>Hatchet's duration strings: <c>60s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>.</summary>
internal static class DurationParser
{
    /// <summary>Parses a duration, or answers <c>INVALID_ARGUMENT</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="what">What the duration is, for the error message.</param>
    /// <returns>The duration.</returns>
    public static TimeSpan Parse(string text, string what)
    {
        var s = text.Trim();
        var total = TimeSpan.Zero;
        var i = 0;
        if (s.Length == 0)
        {
            throw EngineErrors.Invalid($"{what}: empty duration");
        }

        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture, out var n))
            {
                throw EngineErrors.Invalid($"{what}: '{text}' is not a duration like 30s, 5m or 1h");
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            total += s[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => throw EngineErrors.Invalid($"{what}: '{text}' is not a duration like 30s, 5m or 1h"),
            };
        }

        return total;
    }
}

using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>
/// Settings read from layers where a later layer wins key by key (environment variables, then a configuration section),
/// parsed to their types with every problem collected rather than thrown, so a host reports all of them at once.
/// Shared as source with the MageFlow hosting package. Values are never echoed for secret keys.
/// </summary>
internal sealed class LayeredSettings(IReadOnlyCollection<string> secretKeys)
{
    private readonly Dictionary<string, (string Value, string Source)> _values = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Errors { get; } = [];

    /// <summary>Adds environment variables, each mapped to a key; empty variables count as unset.</summary>
    public void AddVariables(IReadOnlyDictionary<string, string> variables, IEnumerable<(string Variable, string Key)> map)
    {
        foreach (var (variable, key) in map)
        {
            if (variables.TryGetValue(variable, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                _values[key] = (value.Trim(), variable);
            }
        }
    }

    /// <summary>Adds every value of a configuration section. A key that is not in <paramref name="known"/> (an entry
    /// ending in <c>:*</c> admits a whole subtree) is reported, as a typo would otherwise be ignored without a word.</summary>
    public void AddSection(IConfigurationSection? section, IReadOnlyCollection<string> known, Func<string, bool>? skip = null)
    {
        if (section is null)
        {
            return;
        }

        foreach (var (path, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is null || (skip?.Invoke(path) ?? false))
            {
                continue;
            }

            var label = section.Path + ":" + path;
            if (!IsKnown(path, known))
            {
                Errors.Add($"{label} is not a setting (known: {string.Join(", ", known)}).");
                continue;
            }

            if (!string.IsNullOrWhiteSpace(value))
            {
                _values[path] = (value.Trim(), label);
            }
        }
    }

    public string? String(string key) => _values.TryGetValue(key, out var v) ? v.Value : null;

    public int? Int(string key)
    {
        if (!_values.TryGetValue(key, out var v))
        {
            return null;
        }

        if (int.TryParse(v.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        Errors.Add($"{Describe(key, v)} is not a whole number.");
        return null;
    }

    public TimeSpan? Duration(string key)
    {
        if (!_values.TryGetValue(key, out var v))
        {
            return null;
        }

        if (TimeSpan.TryParse(v.Value, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        Errors.Add($"{Describe(key, v)} is not a duration such as 00:00:30.");
        return null;
    }

    public TEnum? Enum<TEnum>(string key)
        where TEnum : struct, Enum
    {
        if (!_values.TryGetValue(key, out var v))
        {
            return null;
        }

        // A number would parse as any value of the enum: only names are accepted.
        if (!int.TryParse(v.Value, CultureInfo.InvariantCulture, out _) && System.Enum.TryParse<TEnum>(v.Value, ignoreCase: true, out var e) && System.Enum.IsDefined(e))
        {
            return e;
        }

        Errors.Add($"{Describe(key, v)} is not one of {string.Join(", ", System.Enum.GetNames<TEnum>()).ToLowerInvariant()}.");
        return null;
    }

    /// <summary>The keys under <paramref name="prefix"/> (such as <c>Labels:</c>), without it.</summary>
    public IEnumerable<(string Key, string Value)> Under(string prefix) =>
        _values.Where(p => p.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(p => (p.Key[prefix.Length..], p.Value.Value));

    private static bool IsKnown(string path, IReadOnlyCollection<string> known) =>
        known.Any(k => k.EndsWith(":*", StringComparison.Ordinal)
            ? path.StartsWith(k[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(k, path, StringComparison.OrdinalIgnoreCase));

    private string Describe(string key, (string Value, string Source) v) =>
        secretKeys.Contains(key, StringComparer.OrdinalIgnoreCase) ? v.Source : $"{v.Source}='{v.Value}'";
}

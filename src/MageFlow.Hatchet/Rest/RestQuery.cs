using System.Globalization;

namespace MageFlow.Hatchet.Rest;

/// <summary>
/// Builds a REST query string as the official SDKs send it: arrays as repeated keys (<c>a=1&amp;a=2</c>), times in RFC 3339,
/// absent values left out.
/// </summary>
internal sealed class RestQuery
{
    private readonly List<string> _parts = [];

    /// <summary>Adds a value, unless it is <see langword="null"/>.</summary>
    public RestQuery Add(string name, string? value)
    {
        if (value is not null)
        {
            _parts.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        }

        return this;
    }

    /// <summary>Adds a number, unless it is <see langword="null"/>.</summary>
    public RestQuery Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a time, unless it is <see langword="null"/>.</summary>
    public RestQuery Add(string name, DateTimeOffset? value) =>
        Add(name, value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    /// <summary>Adds a flag, unless it is <see langword="null"/>.</summary>
    public RestQuery Add(string name, bool? value) => Add(name, value is { } b ? (b ? "true" : "false") : null);

    /// <summary>Adds each value under the same name.</summary>
    public RestQuery AddEach(string name, IEnumerable<string>? values)
    {
        foreach (var v in values ?? [])
        {
            Add(name, v);
        }

        return this;
    }

    /// <summary>Adds metadata pairs as <c>key:value</c> values.</summary>
    public RestQuery AddMetadata(string name, IReadOnlyDictionary<string, string>? metadata) =>
        AddEach(name, metadata?.Select(p => p.Key + ":" + p.Value));

    /// <summary>Appends the query to a path.</summary>
    public string Apply(string path) => _parts.Count == 0 ? path : path + "?" + string.Join('&', _parts);
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>A finished span, from a C# <see cref="Activity"/> or from a TypeScript script's JSON line, so one trace can be
/// assembled across languages.</summary>
public sealed record SpanRecord(string Language, string Name, string Kind, string TraceId, string SpanId, string? ParentSpanId, IReadOnlyDictionary<string, string?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var v) ? v : null;

    public static SpanRecord From(Activity a) => new(
        "csharp",
        a.OperationName,
        a.Kind.ToString().ToUpperInvariant(),
        a.TraceId.ToHexString(),
        a.SpanId.ToHexString(),
        a.ParentSpanId == default ? null : a.ParentSpanId.ToHexString(),
        a.TagObjects.ToDictionary(t => t.Key, t => Convert.ToString(t.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal));

    /// <summary>Reads a span as tests/interop/ts/traced-worker.js prints it.</summary>
    public static SpanRecord FromJson(JsonElement e) => new(
        "typescript",
        e.GetProperty("name").GetString()!,
        e.GetProperty("kind").GetString()!,
        e.GetProperty("traceId").GetString()!,
        e.GetProperty("spanId").GetString()!,
        e.GetProperty("parentSpanId").ValueKind == JsonValueKind.String ? e.GetProperty("parentSpanId").GetString() : null,
        e.GetProperty("attributes").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.ToString(), StringComparer.Ordinal));
}

/// <summary>Spans of one trace as a tree: who descends from whom, and a printout for the test output.</summary>
public sealed class SpanTree(IEnumerable<SpanRecord> spans)
{
    private readonly Dictionary<string, SpanRecord> _byId = spans.GroupBy(s => s.SpanId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    public IReadOnlyCollection<SpanRecord> Spans => _byId.Values;

    /// <summary>Whether <paramref name="ancestor"/> is on the parent chain of <paramref name="span"/>.</summary>
    public bool Descends(SpanRecord span, SpanRecord ancestor)
    {
        var current = span;
        while (current.ParentSpanId is { } parent && _byId.TryGetValue(parent, out var up))
        {
            if (up.SpanId == ancestor.SpanId)
            {
                return true;
            }

            current = up;
        }

        return false;
    }

    /// <summary>The tree, one span per line, children indented under their parent, with a few identifying tags.</summary>
    public string Render(params string[] tags)
    {
        var text = new StringBuilder();
        var children = _byId.Values.Where(s => s.ParentSpanId is not null && _byId.ContainsKey(s.ParentSpanId)).ToLookup(s => s.ParentSpanId!, StringComparer.Ordinal);
        foreach (var root in _byId.Values.Where(s => s.ParentSpanId is null || !_byId.ContainsKey(s.ParentSpanId)).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            Write(root, 0);
        }

        return text.ToString();

        void Write(SpanRecord s, int depth)
        {
            text.Append(' ', depth * 2).Append(depth == 0 ? string.Empty : "└ ")
                .Append(CultureInfo.InvariantCulture, $"{s.Name} [{s.Language} {s.Kind}] trace={s.TraceId} span={s.SpanId} parent={s.ParentSpanId ?? "-"}");
            foreach (var tag in tags)
            {
                if (s.Tag(tag) is { } value)
                {
                    text.Append(CultureInfo.InvariantCulture, $" {tag}={value}");
                }
            }

            text.AppendLine();
            foreach (var child in children[s.SpanId].OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                Write(child, depth + 1);
            }
        }
    }
}

using System.Text.Json;

namespace MageFlow.Hatchet.Rest;

/// <summary>Lenient readers for the engine's JSON: optional fields may be absent or null.</summary>
internal static class RestJsonReader
{
    public static string Text(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;

    public static string? TextOrNull(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int? Int(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    public static bool Bool(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    public static DateTimeOffset? Time(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t) ? t : null;

    /// <summary>A JSON value kept past the document's disposal; an undefined element when absent or null.</summary>
    public static JsonElement Json(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.Clone() : default;

    public static string Id(this JsonElement e) => e.TryGetProperty("metadata", out var m) ? m.Text("id") : string.Empty;

    public static DateTimeOffset CreatedAt(this JsonElement e) => e.TryGetProperty("metadata", out var m) ? m.Time("createdAt") ?? default : default;

    public static IEnumerable<JsonElement> Rows(this JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Array ? rows.EnumerateArray() : [];

    public static IReadOnlyList<string> Strings(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? [.. v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
            : [];
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>Checks on JSON that clients send (inputs, metadata, outputs). Hatchet stores JSON in Postgres, which rejects <c>\u0000</c>.</summary>
internal static class JsonInput
{
    /// <summary>Tells whether a text is JSON that Hatchet would store.</summary>
    /// <param name="text">The text.</param>
    /// <returns><see langword="true"/> for valid JSON without <c>\u0000</c>.</returns>
    public static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return !HasEscapedNul(text);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Checks JSON the way Hatchet's ingestor checks event payloads and metadata (ValidateJSONB in
    /// pkg/repository/jsonb.go): any valid JSON without <c>\u0000</c>, or nothing; answers <c>INVALID_ARGUMENT</c> with its message.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="field">The field's name in Hatchet's message (<c>payload</c>, <c>additionalMetadata</c>).</param>
    public static void ValidateJsonb(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        if (text.Contains("\\u0000", StringComparison.Ordinal))
        {
            throw EngineErrors.Invalid($"Invalid request: encoded jsonb contains invalid null character \\u0000 in field `{field}`");
        }

        if (!IsJson(text))
        {
            throw EngineErrors.Invalid($"Invalid request: invalid json in field `{field}`");
        }
    }

    /// <summary>Parses valid JSON, giving the object it is, or <see langword="null"/> for blank text and any other JSON value.</summary>
    /// <param name="text">Text that is valid JSON, or blank.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    public static JsonObject? ObjectOrNull(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;

    /// <summary>Parses a JSON object, or answers <c>INVALID_ARGUMENT</c>. Blank text is an empty object.</summary>
    /// <param name="text">The text.</param>
    /// <param name="what">What the text is, for the error message.</param>
    /// <returns>The object.</returns>
    public static JsonObject ParseObject(string? text, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw EngineErrors.Invalid($"{what} is not valid JSON: {e.Message}");
        }

        if (HasEscapedNul(text))
        {
            throw EngineErrors.Invalid($"{what} must not contain \\u0000");
        }

        return node as JsonObject ?? throw EngineErrors.Invalid($"{what} must be a JSON object, got {node?.GetValueKind().ToString() ?? "null"}");
    }

    /// <summary>Tells whether JSON text escapes a NUL character (<c>\u0000</c> after an odd number of backslashes), which
    /// Postgres <c>jsonb</c> refuses; <c>\\u0000</c> is the text "\u0000" and is stored.</summary>
    private static bool HasEscapedNul(string text)
    {
        for (var i = text.IndexOf("u0000", StringComparison.Ordinal); i >= 0; i = text.IndexOf("u0000", i + 5, StringComparison.Ordinal))
        {
            var slashes = 0;
            for (var j = i - 1; j >= 0 && text[j] == '\\'; j--)
            {
                slashes++;
            }

            if (slashes % 2 == 1)
            {
                return true;
            }
        }

        return false;
    }
}

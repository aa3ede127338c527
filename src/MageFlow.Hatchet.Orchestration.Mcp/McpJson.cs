using System.Text.Json;
using System.Text.Json.Serialization;

namespace MageFlow.Hatchet.Orchestration.Mcp;

/// <summary>How the tools write their answers: compact camelCase JSON, enums as words, nulls left out.</summary>
internal static class McpJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);
}

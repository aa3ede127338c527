using System.Text.Json;
using System.Text.Json.Serialization;

namespace MageFlow.Hatchet.Orchestration.Viewer.Internal;

/// <summary>The viewer API's JSON: camelCase names and enums as camelCase strings, the same for every host.</summary>
internal static class ViewerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

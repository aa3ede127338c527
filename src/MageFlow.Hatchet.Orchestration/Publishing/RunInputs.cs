using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration.State.Scripts;

namespace MageFlow.Hatchet.Orchestration.Publishing;

/// <summary>
/// Builds the input a signature's run starts with, from what its publish entry carries: the message merged with
/// the bound input (kwargs); for a callback or chain step, the previous result under the return field; for a swarm
/// item, the swarm's message and bound input, then the item's own. Later parts win; objects merge deeply.
/// </summary>
internal static class RunInputs
{
    public static string Build(PublishEntry entry)
    {
        var kwargs = entry.Kwargs;
        var returnField = entry.ReturnField.Length > 0 ? entry.ReturnField : SignatureRecord.DefaultReturnField;
        var value = entry.InputValue;
        return entry.InputMode switch
        {
            "result" => IsEmpty(kwargs)
                ? "{" + JsonSerializer.Serialize(returnField) + ":" + (IsEmpty(value) ? "null" : value) + "}"
                : Merge(Parse(kwargs), new JsonObject { [returnField] = ParseAny(value) }).ToJsonString(),
            "swarm" => MergeText(entry.SwarmMessage, entry.SwarmKwargs, entry.ItemMessage, kwargs),
            _ => MergeText(value, kwargs),
        };
    }

    private static bool IsEmpty(string json) => json.Length == 0 || json == "{}";

    /// <summary>Deep-merges JSON objects given as text, later ones winning. Skips the parse when at most one part has content.</summary>
    private static string MergeText(params string[] parts)
    {
        string? only = null;
        var count = 0;
        foreach (var p in parts)
        {
            if (!IsEmpty(p))
            {
                only = p;
                count++;
            }
        }

        if (count == 0)
        {
            return "{}";
        }

        if (count == 1 && only!.TrimStart().StartsWith('{'))
        {
            return only;
        }

        var merged = new JsonObject();
        foreach (var p in parts)
        {
            Merge(merged, Parse(p));
        }

        return merged.ToJsonString();
    }

    private static JsonObject Parse(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonNode.Parse(json) as JsonObject ?? [];

    private static JsonNode? ParseAny(string json) => string.IsNullOrWhiteSpace(json) ? null : JsonNode.Parse(json);

    /// <summary>Deep-merges <paramref name="overlay"/> into <paramref name="target"/>: objects merge, everything else is replaced.</summary>
    private static JsonObject Merge(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay.ToArray())
        {
            if (value is JsonObject o && target[key] is JsonObject t)
            {
                Merge(t, o);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }

        return target;
    }
}

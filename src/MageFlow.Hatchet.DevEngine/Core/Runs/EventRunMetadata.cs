using System.Text.Json;
using System.Text.Json.Nodes;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// The additional metadata of a run that an event triggers (TriggeredByEvent.ToMetadata in pkg/repository/trigger.go):
/// the event's metadata when it is a JSON object (anything else counts as none), without the engine's
/// <c>hatchet__</c> keys except the two that say which task pushed the event, plus <c>hatchet__event_id</c> and
/// <c>hatchet__event_key</c>.
/// </summary>
internal static class EventRunMetadata
{
    private const string EnginePrefix = "hatchet__";
    private static readonly string[] KeptEngineKeys = ["hatchet__source_workflow_run_id", "hatchet__source_step_run_id"];

    /// <summary>Builds the metadata of a triggered run.</summary>
    /// <param name="eventMetadataJson">The event's metadata as pushed (validated as JSON), if any.</param>
    /// <param name="eventId">The event's id.</param>
    /// <param name="eventKey">The event's key.</param>
    /// <returns>The run's metadata, a JSON object.</returns>
    public static string For(string? eventMetadataJson, string eventId, string eventKey)
    {
        var metadata = new JsonObject();
        if (!string.IsNullOrEmpty(eventMetadataJson) && Parse(eventMetadataJson) is JsonObject pushed)
        {
            foreach (var (k, v) in pushed)
            {
                if (!k.StartsWith(EnginePrefix, StringComparison.Ordinal) || KeptEngineKeys.Contains(k, StringComparer.Ordinal))
                {
                    metadata[k] = v?.DeepClone();
                }
            }
        }

        metadata["hatchet__event_id"] = eventId;
        metadata["hatchet__event_key"] = eventKey;
        return metadata.ToJsonString();
    }

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.Publishing;

/// <summary>
/// The run options of a plain trigger a root task captured, kept with its signature (<c>topts</c>) so that its run,
/// started later by the publisher, gets them all: priority, the sticky worker and desired worker labels. (Metadata
/// travels in <c>meta</c>; the child key makes the signature's id, so a key used twice in one root run is one child.)
/// </summary>
internal sealed record CapturedTriggerOptions
{
    [JsonPropertyName("priority")]
    public int? Priority { get; init; }

    [JsonPropertyName("worker")]
    public string? DesiredWorkerId { get; init; }

    [JsonPropertyName("labels")]
    public Dictionary<string, Label>? Labels { get; init; }

    public static string? From(TriggerRun run)
    {
        var options = new CapturedTriggerOptions
        {
            Priority = run.Priority,
            DesiredWorkerId = run.DesiredWorkerId,
            Labels = run.DesiredWorkerLabels.Count == 0 ? null : run.DesiredWorkerLabels.ToDictionary(
                l => l.Key,
                l => new Label(JsonSerializer.SerializeToElement(l.Value.Value), l.Value.Required, l.Value.Weight),
                StringComparer.Ordinal),
        };
        return options is { Priority: null, DesiredWorkerId: null, Labels: null } ? null : JsonSerializer.Serialize(options);
    }

    /// <summary>Applies the options kept in <paramref name="json"/> (empty for none) to a run about to start.</summary>
    public static TriggerRun Apply(TriggerRun run, string json)
    {
        if (json.Length == 0 || JsonSerializer.Deserialize<CapturedTriggerOptions>(json) is not { } options)
        {
            return run;
        }

        return run with
        {
            Priority = options.Priority ?? run.Priority,
            DesiredWorkerId = options.DesiredWorkerId ?? run.DesiredWorkerId,
            DesiredWorkerLabels = options.Labels is null
                ? run.DesiredWorkerLabels
                : options.Labels.ToDictionary(l => l.Key, l => l.Value.ToLabel(), StringComparer.Ordinal),
        };
    }

    /// <summary>A desired worker label as stored: its value keeps its JSON type (a string or an int).</summary>
    internal sealed record Label(
        [property: JsonPropertyName("value")] JsonElement Value,
        [property: JsonPropertyName("required")] bool Required,
        [property: JsonPropertyName("weight")] int Weight)
    {
        public DesiredWorkerLabel ToLabel() =>
            new(Value.ValueKind == JsonValueKind.Number ? Value.GetInt32() : Value.GetString() ?? string.Empty, Required, Weight);
    }
}

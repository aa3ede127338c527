using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Diagnostics;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.Events;

/// <summary>Pushes events; workflows whose triggers name the key run with the payload as input.</summary>
public sealed class EventsClient
{
    private readonly EngineConnection _engine;
    private readonly HatchetClientOptions _options;
    private readonly string _namespace;

    internal EventsClient(EngineConnection engine, HatchetClientOptions options, string @namespace)
    {
        _engine = engine;
        _options = options;
        _namespace = @namespace;
    }

    /// <summary>Pushes one event.</summary>
    /// <param name="key">The event key (namespace applied).</param>
    /// <param name="payload">The payload, serialized with the client's JSON options.</param>
    /// <param name="additionalMetadata">Metadata for the event and the runs it triggers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The event id.</returns>
    public async Task<string> PushAsync(string key, object? payload, IReadOnlyDictionary<string, string>? additionalMetadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var request = new PushEventRequest
        {
            Key = _namespace + key,
            Payload = payload is null ? "{}" : JsonSerializer.Serialize(payload, payload.GetType(), _options.JsonSerializerOptions),
            EventTimestamp = Timestamp.FromDateTimeOffset(_options.TimeProvider.GetUtcNow()),
        };
        using var activity = HatchetTelemetry.StartProducer(HatchetTelemetry.PushEventSpan, request.Key);
        activity?.SetTag("hatchet.event_key", request.Key);
        var metadata = additionalMetadata;
        if ((activity ?? Activity.Current) is { } parent && (additionalMetadata is null || !additionalMetadata.ContainsKey(TraceContextMetadata.TraceParentKey)))
        {
            // The runs the event triggers continue this trace, as with the official instrumentors' push spans.
            var traced = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (k, v) in additionalMetadata ?? new Dictionary<string, string>())
            {
                traced[k] = JsonSerializer.SerializeToElement(v);
            }

            TraceContextMetadata.Inject(traced, parent);
            metadata = traced.ToDictionary(kv => kv.Key, kv => kv.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
        }

        if (metadata is not null)
        {
            request.AdditionalMetadata = JsonSerializer.Serialize(metadata);
        }

        try
        {
            var evt = await _engine.CallAsync($"pushing event '{key}'", ct => _engine.Events.PushAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("messaging.message.id", evt.EventId);
            return evt.EventId;
        }
        catch (Exception e)
        {
            HatchetTelemetry.Fail(activity, e);
            throw;
        }
    }
}

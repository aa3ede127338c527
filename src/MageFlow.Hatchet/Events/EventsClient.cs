using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.Client;
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
        if (additionalMetadata is not null)
        {
            request.AdditionalMetadata = JsonSerializer.Serialize(additionalMetadata);
        }

        var evt = await _engine.CallAsync($"pushing event '{key}'", ct => _engine.Events.PushAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return evt.EventId;
    }
}

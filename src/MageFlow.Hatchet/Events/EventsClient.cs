using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Diagnostics;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.Events;

/// <summary>
/// Pushes events (gRPC); workflows whose triggers name the key run with the payload as input. Lists and reads the events
/// the engine received over its REST API (EventsClient.Rest.cs).
/// </summary>
public sealed partial class EventsClient
{
    private readonly EngineConnection _engine;
    private readonly HatchetClientOptions _options;
    private readonly string _namespace;
    private readonly Rest.HatchetRestClient _rest;
    private readonly string _tenantId;

    internal EventsClient(EngineConnection engine, HatchetClientOptions options, string @namespace, Rest.HatchetRestClient rest, string tenantId)
    {
        _engine = engine;
        _options = options;
        _namespace = @namespace;
        _rest = rest;
        _tenantId = tenantId;
    }

    /// <summary>Pushes one event.</summary>
    /// <param name="key">The event key (namespace applied).</param>
    /// <param name="payload">The payload, serialized with the client's JSON options.</param>
    /// <param name="additionalMetadata">Metadata for the event and the runs it triggers.</param>
    /// <param name="priority">The priority (1..3) of the runs the event triggers; the workflows' default when <see langword="null"/>.</param>
    /// <param name="scope">The scope that picks which of a workflow's event filters apply to the event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The event id.</returns>
    public async Task<string> PushAsync(
        string key,
        object? payload,
        IReadOnlyDictionary<string, string>? additionalMetadata = null,
        int? priority = null,
        string? scope = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var activity = HatchetTelemetry.StartProducer(HatchetTelemetry.PushEventSpan, _namespace + key);
        activity?.SetTag("hatchet.event_key", _namespace + key);

        // The runs the event triggers continue this trace, as with the official instrumentors' push spans.
        var request = ToRequest(new EventToPush(key, payload) { AdditionalMetadata = additionalMetadata, Priority = priority, Scope = scope }, activity ?? Activity.Current);

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

    /// <summary>Pushes events in one call (Hatchet's <c>BulkPush</c>; the engine takes 1 to 1000 per call).</summary>
    /// <param name="events">The events.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The event ids, in the order of <paramref name="events"/>.</returns>
    /// <exception cref="Exceptions.HatchetRpcException">The engine refused the batch (for example none, or more than 1000).</exception>
    public async Task<IReadOnlyList<string>> BulkPushAsync(IEnumerable<EventToPush> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var request = new BulkPushEventRequest();
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e);
            request.Events.Add(ToRequest(e, Activity.Current));
        }

        var response = await _engine.CallAsync("pushing events", ct => _engine.Events.BulkPushAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return [.. response.Events_.Select(e => e.EventId)];
    }

    /// <param name="e">The event.</param>
    /// <param name="trace">The span whose context the triggered runs continue (written as <c>traceparent</c> unless the
    /// event's metadata already has one), or <see langword="null"/>.</param>
    private PushEventRequest ToRequest(EventToPush e, Activity? trace)
    {
        ArgumentNullException.ThrowIfNull(e.Key);
        var request = new PushEventRequest
        {
            Key = _namespace + e.Key,
            Payload = e.Payload is null ? "{}" : JsonSerializer.Serialize(e.Payload, e.Payload.GetType(), _options.JsonSerializerOptions),
            EventTimestamp = Timestamp.FromDateTimeOffset(_options.TimeProvider.GetUtcNow()),
        };
        var metadata = e.AdditionalMetadata;
        if (trace is not null && (metadata is null || !metadata.ContainsKey(TraceContextMetadata.TraceParentKey)))
        {
            var traced = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (k, v) in metadata ?? new Dictionary<string, string>())
            {
                traced[k] = JsonSerializer.SerializeToElement(v);
            }

            TraceContextMetadata.Inject(traced, trace);
            metadata = traced.ToDictionary(kv => kv.Key, kv => kv.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
        }

        if (metadata is not null)
        {
            request.AdditionalMetadata = JsonSerializer.Serialize(metadata);
        }

        if (e.Priority is { } priority)
        {
            request.Priority = priority;
        }

        if (e.Scope is not null)
        {
            request.Scope = e.Scope;
        }

        return request;
    }
}

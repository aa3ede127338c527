using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Events;

/// <summary>The REST half of the events client: the events the engine received.</summary>
public sealed partial class EventsClient
{
    /// <summary>Lists events the engine received, newest first.</summary>
    /// <param name="query">Filters; <see langword="null"/> for the newest 50.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events.</returns>
    /// <exception cref="HatchetApiException">The engine refused the query.</exception>
    public async Task<IReadOnlyList<EventInfo>> ListAsync(ListEventsQuery? query = null, CancellationToken cancellationToken = default)
    {
        var path = new RestQuery()
            .Add("offset", query?.Offset)
            .Add("limit", query?.Limit)
            .AddEach("keys", query?.Keys?.Select(k => _namespace + k))
            .Add("since", query?.Since)
            .Add("until", query?.Until)
            .AddMetadata("additionalMetadata", query?.AdditionalMetadata)
            .AddEach("scopes", query?.Scopes)
            .Apply($"/api/v1/stable/tenants/{_tenantId}/events");
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.Rows().Select(FromJson)];
    }

    /// <summary>Gets an event the engine received.</summary>
    /// <param name="eventId">The event's id (what <see cref="PushAsync"/> returned).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The event.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown event).</exception>
    public async Task<EventInfo> GetAsync(string eventId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        using var answer = await _rest.SendAsync(HttpMethod.Get, $"/api/v1/stable/tenants/{_tenantId}/events/{Uri.EscapeDataString(eventId)}", null, cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    private static EventInfo FromJson(JsonElement e)
    {
        var summary = e.TryGetProperty("workflowRunSummary", out var s) ? s : default;
        var runs = e.TryGetProperty("triggeredRuns", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(r => r.Text("workflowRunId")).ToList()
            : [];
        return new EventInfo(
            e.Id(),
            e.Text("key"),
            e.Json("payload"),
            e.Json("additionalMetadata"),
            e.TextOrNull("scope"),
            e.Time("seenAt") ?? e.CreatedAt(),
            runs,
            new EventRunCounts(summary.Int("queued") ?? 0, summary.Int("running") ?? 0, summary.Int("succeeded") ?? 0, summary.Int("failed") ?? 0, summary.Int("cancelled") ?? 0));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Events;

/// <summary>The REST half of the events client: the events the engine received, and cancel or replay of the runs they triggered.</summary>
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

    /// <summary>
    /// Cancels the runs events triggered. Hatchet v1 refuses its old event cancel (<c>EventUpdateCancel is deprecated</c>),
    /// so, as it advises, this reads each event's triggered runs and cancels them through the task cancel endpoint.
    /// </summary>
    /// <param name="eventIds">The events' ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids of the runs the engine will cancel; empty when the events triggered none.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown event).</exception>
    public async Task<IReadOnlyList<string>> CancelAsync(IEnumerable<string> eventIds, CancellationToken cancellationToken = default)
    {
        var runs = await TriggeredRunsAsync(eventIds, cancellationToken).ConfigureAwait(false);

        // Cancelling twice is harmless, so a transient failure is retried.
        return runs.Count == 0 ? [] : await TasksAsync("cancel", runs, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replays the runs events triggered: their failed and cancelled tasks run again. Hatchet v1 refuses its old event
    /// replay, so this reads each event's triggered runs and replays them through the task replay endpoint. A replay is
    /// not repeated on a transient failure, as it could run the tasks twice.
    /// </summary>
    /// <param name="eventIds">The events' ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids of the task runs replayed; empty when the events triggered none.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown event).</exception>
    public async Task<IReadOnlyList<string>> ReplayAsync(IEnumerable<string> eventIds, CancellationToken cancellationToken = default)
    {
        var runs = await TriggeredRunsAsync(eventIds, cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? [] : await TasksAsync("replay", runs, idempotent: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<string>> TriggeredRunsAsync(IEnumerable<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var runs = new List<string>();
        foreach (var id in eventIds)
        {
            runs.AddRange((await GetAsync(id, cancellationToken).ConfigureAwait(false)).RunIds);
        }

        return [.. runs.Distinct(StringComparer.Ordinal)];
    }

    private async Task<IReadOnlyList<string>> TasksAsync(string action, List<string> runIds, bool idempotent, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["externalIds"] = new JsonArray([.. runIds.Select(i => (JsonNode)JsonValue.Create(i))]) };
        using var answer = await _rest.SendAsync(
            HttpMethod.Post, $"/api/v1/stable/tenants/{_tenantId}/tasks/{action}", body.ToJsonString(), cancellationToken, idempotent).ConfigureAwait(false);
        return answer.RootElement.Strings("ids");
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

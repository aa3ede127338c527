using System.Globalization;
using System.Text.Json;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Workers;

/// <summary>
/// The tenant's workers: list, get, pause and unpause over the engine's REST API, and label upserts over gRPC
/// (<c>Dispatcher.UpsertWorkerLabels</c>, which the official SDKs' workers call; the REST API has no label endpoint).
/// </summary>
public sealed class WorkersClient
{
    private readonly HatchetRestClient _rest;
    private readonly string _tenantId;
    private readonly EngineConnection _engine;

    internal WorkersClient(HatchetRestClient rest, string tenantId, EngineConnection engine)
    {
        _rest = rest;
        _tenantId = tenantId;
        _engine = engine;
    }

    /// <summary>
    /// Adds or replaces labels of a worker, which tasks with desired worker labels are routed by. Labels not named stay.
    /// </summary>
    /// <param name="workerId">The worker's id (<see cref="WorkerInfo.Id"/>).</param>
    /// <param name="labels">The labels: an <see cref="int"/> value is sent as a number, anything else as its invariant text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has stored them.</returns>
    /// <exception cref="Exceptions.HatchetRpcException">The engine refused (for example <c>NOT_FOUND</c> for an unknown worker).</exception>
    public async Task UpsertLabelsAsync(string workerId, IReadOnlyDictionary<string, object> labels, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentNullException.ThrowIfNull(labels);
        var request = new Protocol.UpsertWorkerLabelsRequest { WorkerId = workerId };
        foreach (var (key, value) in labels)
        {
            request.Labels[key] = value is int i
                ? new Protocol.WorkerLabels { IntValue = i }
                : new Protocol.WorkerLabels { StrValue = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty };
        }

        // Setting labels to given values is idempotent, so the connection's retry of transient failures is safe.
        await _engine.CallAsync("upserting worker labels", ct => _engine.Dispatcher.UpsertWorkerLabelsAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the workers heard from recently.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workers.</returns>
    /// <exception cref="HatchetApiException">The engine refused.</exception>
    public async Task<IReadOnlyList<WorkerInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var answer = await _rest.SendAsync(HttpMethod.Get, $"/api/v1/tenants/{_tenantId}/worker", null, cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.Rows().Select(FromJson)];
    }

    /// <summary>Gets a worker.</summary>
    /// <param name="workerId">The worker's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The worker.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown worker).</exception>
    public async Task<WorkerInfo> GetAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        using var answer = await _rest.SendAsync(HttpMethod.Get, $"/api/v1/workers/{Uri.EscapeDataString(workerId)}", null, cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Pauses a worker: the engine assigns it nothing more until it is unpaused.</summary>
    /// <param name="workerId">The worker's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The worker after the change.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown worker).</exception>
    public Task<WorkerInfo> PauseAsync(string workerId, CancellationToken cancellationToken = default) => SetPausedAsync(workerId, true, cancellationToken);

    /// <summary>Unpauses a worker.</summary>
    /// <param name="workerId">The worker's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The worker after the change.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown worker).</exception>
    public Task<WorkerInfo> UnpauseAsync(string workerId, CancellationToken cancellationToken = default) => SetPausedAsync(workerId, false, cancellationToken);

    /// <summary>Sends the PATCH that workers also send on themselves before they stop.</summary>
    internal async Task<WorkerInfo> SetPausedAsync(string workerId, bool paused, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);

        // Setting the flag to a value is idempotent, so a transient failure is retried.
        using var answer = await _rest.SendAsync(
            HttpMethod.Patch, $"/api/v1/workers/{Uri.EscapeDataString(workerId)}", paused ? "{\"isPaused\":true}" : "{\"isPaused\":false}", cancellationToken, idempotent: true).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    private static WorkerInfo FromJson(JsonElement e)
    {
        var labels = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (e.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Array)
        {
            foreach (var label in l.EnumerateArray())
            {
                labels[label.Text("key")] = label.TextOrNull("value");
            }
        }

        var slots = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        if (e.TryGetProperty("slotConfig", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            foreach (var slot in s.EnumerateObject())
            {
                slots[slot.Name] = (slot.Value.Int("available") ?? 0, slot.Value.Int("limit") ?? 0);
            }
        }

        return new WorkerInfo(
            e.Id(),
            e.Text("name"),
            e.TextOrNull("status") switch { "PAUSED" => WorkerStatus.Paused, "INACTIVE" => WorkerStatus.Inactive, _ => WorkerStatus.Active },
            e.Time("lastHeartbeatAt"),
            e.Strings("actions"),
            labels,
            slots);
    }
}

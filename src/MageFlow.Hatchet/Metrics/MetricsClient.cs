using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Metrics;

/// <summary>The tenant's task and queue metrics over the engine's REST API.</summary>
public sealed class MetricsClient
{
    private readonly HatchetRestClient _rest;
    private readonly string _tenantId;
    private readonly TimeProvider _time;

    internal MetricsClient(HatchetRestClient rest, string tenantId, TimeProvider time)
    {
        _rest = rest;
        _tenantId = tenantId;
        _time = time;
    }

    /// <summary>Counts task runs by status.</summary>
    /// <param name="since">The earliest creation time; a day ago when <see langword="null"/>, as the official SDKs default.</param>
    /// <param name="until">The latest time, if any.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One count per status.</returns>
    /// <exception cref="HatchetApiException">The engine refused.</exception>
    public async Task<IReadOnlyList<TaskStatusCount>> GetTaskMetricsAsync(DateTimeOffset? since = null, DateTimeOffset? until = null, CancellationToken cancellationToken = default)
    {
        var path = new RestQuery().Add("since", since ?? _time.GetUtcNow().AddDays(-1)).Add("until", until)
            .Apply($"/api/v1/stable/tenants/{_tenantId}/task-metrics");
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.ValueKind == JsonValueKind.Array
            ? [.. answer.RootElement.EnumerateArray().Select(e => new TaskStatusCount(RunStatusNames.FromWire(e.TextOrNull("status")), e.Int("count") ?? 0))]
            : [];
    }

    /// <summary>Counts the task runs waiting in each queue (one queue per task action).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Queued task runs per queue.</returns>
    /// <exception cref="HatchetApiException">The engine refused.</exception>
    public async Task<IReadOnlyDictionary<string, int>> GetQueueMetricsAsync(CancellationToken cancellationToken = default)
    {
        using var answer = await _rest.SendAsync(HttpMethod.Get, $"/api/v1/tenants/{_tenantId}/step-run-queue-metrics", null, cancellationToken).ConfigureAwait(false);
        var queues = new Dictionary<string, int>(StringComparer.Ordinal);
        if (answer.RootElement.TryGetProperty("queues", out var q) && q.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in q.EnumerateObject())
            {
                queues[p.Name] = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var n) ? n : 0;
            }
        }

        return queues;
    }
}

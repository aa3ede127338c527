using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.RateLimits;

/// <summary>
/// Puts rate limits (gRPC <c>PutRateLimit</c>, as the official SDKs do) and lists them (REST). Tasks consume a limit's
/// units through <see cref="Tasks.RateLimit"/>.
/// </summary>
public sealed class RateLimitsClient
{
    private readonly EngineConnection _engine;
    private readonly HatchetRestClient _rest;
    private readonly string _tenantId;

    internal RateLimitsClient(EngineConnection engine, HatchetRestClient rest, string tenantId)
    {
        _engine = engine;
        _rest = rest;
        _tenantId = tenantId;
    }

    /// <summary>Creates or replaces a rate limit. Retried on transient failures: putting the same limit twice changes nothing.</summary>
    /// <param name="key">The key.</param>
    /// <param name="limit">The units per window.</param>
    /// <param name="window">The window.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has stored it.</returns>
    /// <exception cref="HatchetRpcException">The engine refused it (empty key, negative limit).</exception>
    public async Task PutAsync(string key, int limit, RateLimitWindow window = RateLimitWindow.Minute, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var request = new Protocol.PutRateLimitRequest { Key = key, Limit = limit, Duration = (Protocol.RateLimitDuration)(int)window };
        await _engine.CallAsync("PutRateLimit", ct => _engine.Workflows.PutRateLimitAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists rate limits by key.</summary>
    /// <param name="search">Text the keys must contain; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The limits.</returns>
    /// <exception cref="HatchetApiException">The engine refused the query.</exception>
    public async Task<IReadOnlyList<RateLimitInfo>> ListAsync(string? search = null, CancellationToken cancellationToken = default)
    {
        var path = new RestQuery().Add("search", search).Apply($"/api/v1/tenants/{_tenantId}/rate-limits");
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.Rows().Select(e => new RateLimitInfo(e.Text("key"), e.Int("limitValue") ?? 0, e.Int("value") ?? 0, e.Text("window"), e.Time("lastRefill")))];
    }
}

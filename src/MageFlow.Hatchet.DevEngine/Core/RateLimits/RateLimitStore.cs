using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Core.RateLimits;

/// <summary>Rate limits set with <c>PutRateLimit</c>. Stored so the call succeeds as in Hatchet; not enforced yet.</summary>
internal sealed class RateLimitStore
{
    private readonly Dictionary<string, (int Limit, RateLimitDuration Duration)> _limits = new(StringComparer.Ordinal);

    /// <summary>Validates a rate limit. Needs no engine state, so it runs outside the lock.</summary>
    /// <param name="key">The key.</param>
    /// <param name="limit">The limit.</param>
    public static void Validate(string key, int limit)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            throw EngineErrors.Invalid("rate limit key must not be empty");
        }

        if (limit < 0)
        {
            throw EngineErrors.Invalid($"rate limit '{key}': limit must not be negative");
        }
    }

    /// <summary>Sets or replaces a rate limit.</summary>
    /// <param name="key">The key.</param>
    /// <param name="limit">The limit.</param>
    /// <param name="duration">The window the limit applies to.</param>
    public void Put(string key, int limit, RateLimitDuration duration) => _limits[key] = (limit, duration);

    /// <summary>Copies the rate limits, ordered by key, for the REST list.</summary>
    /// <returns>The limits.</returns>
    public List<(string Key, int Limit, RateLimitDuration Duration)> Snapshot() =>
        [.. _limits.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Limit, p.Value.Duration))];
}

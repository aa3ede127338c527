namespace MageFlow.Hatchet.RateLimits;

/// <summary>A rate limit as the engine reports it (Hatchet's <c>RateLimit</c>).</summary>
/// <param name="Key">The key tasks consume units of.</param>
/// <param name="Limit">The units per window.</param>
/// <param name="Available">The units left in the current window.</param>
/// <param name="Window">The window, as the engine spells it (such as <c>1 MINUTE</c>).</param>
/// <param name="LastRefill">When the units were last refilled.</param>
public sealed record RateLimitInfo(string Key, int Limit, int Available, string Window, DateTimeOffset? LastRefill);

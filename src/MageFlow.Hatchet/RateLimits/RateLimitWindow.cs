namespace MageFlow.Hatchet.RateLimits;

/// <summary>The window a rate limit's units refill over (Hatchet's <c>RateLimitDuration</c>).</summary>
public enum RateLimitWindow
{
    /// <summary>A second.</summary>
    Second,

    /// <summary>A minute.</summary>
    Minute,

    /// <summary>An hour.</summary>
    Hour,

    /// <summary>A day.</summary>
    Day,

    /// <summary>A week.</summary>
    Week,

    /// <summary>A month.</summary>
    Month,

    /// <summary>A year.</summary>
    Year,
}

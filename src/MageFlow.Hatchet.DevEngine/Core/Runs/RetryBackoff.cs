using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>Hatchet's retry delay: <c>min(backoff_max_seconds, backoff_factor^n)</c> seconds when both are set, otherwise none.</summary>
internal static class RetryBackoff
{
    /// <summary>Gets the delay before a retry.</summary>
    /// <param name="def">The task.</param>
    /// <param name="retry">The retry number (1 for the first retry).</param>
    /// <returns>The delay; zero means retry at once.</returns>
    public static TimeSpan Delay(TaskDef def, int retry)
    {
        if (def.BackoffFactor is not { } factor || def.BackoffMaxSeconds is not { } max)
        {
            return TimeSpan.Zero;
        }

        var seconds = Math.Min(max, Math.Pow(factor, retry));
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }
}

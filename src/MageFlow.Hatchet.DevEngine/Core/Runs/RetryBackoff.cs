using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// Hatchet's delay before a retry (<c>v1_task_update_function</c> in sql/schema/v1-core.sql): whenever a backoff
/// factor is set, <c>min(max, factor^app_retry_count)</c> seconds, where the max defaults to one day. Without a
/// factor the retry is queued at once, whatever the max says.
/// </summary>
internal static class RetryBackoff
{
    /// <summary>The cap when the task sets a factor but no max (the engine's <c>COALESCE(retry_max_backoff, 86400)</c>).</summary>
    public const int DefaultMaxSeconds = 86_400;

    /// <summary>Gets the delay before a retry.</summary>
    /// <param name="def">The task.</param>
    /// <param name="appRetryCount">The task's application retry count after the failure (1 for the first retry).</param>
    /// <returns>The delay; zero means retry at once.</returns>
    public static TimeSpan Delay(TaskDef def, int appRetryCount)
    {
        if (def.BackoffFactor is not { } f)
        {
            return TimeSpan.Zero;
        }

        double factor = f;
        double max = def.BackoffMaxSeconds ?? DefaultMaxSeconds;

        // The engine compares in log space so that a large power never overflows; a factor of 1 or less cannot grow,
        // so it is raised directly.
        var seconds = factor > 1 && Math.Log(factor) * appRetryCount >= Math.Log(Math.Max(max, 1))
            ? max
            : Math.Min(max, Math.Pow(factor, appRetryCount));
        return TimeSpan.FromSeconds(Math.Max(0, seconds));
    }
}

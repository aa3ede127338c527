using System.Collections.Concurrent;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>Small pieces of task handlers that many tests write the same way.</summary>
public static class Handlers
{
    /// <summary>Counts one more execution of <paramref name="key"/>; returns how many there have been.</summary>
    public static int Increment<TKey>(this ConcurrentDictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(counts);
        return counts.AddOrUpdate(key, 1, (_, c) => c + 1);
    }

    /// <summary>
    /// Blocks a handler until its run is cancelled (timeout, cancel request, interrupt), then completes
    /// <paramref name="observed"/> and rethrows, as a handler that honours its token does.
    /// </summary>
    public static async Task UntilCancelledAsync(CancellationToken cancellationToken, TaskCompletionSource? observed = null)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            observed?.TrySetResult();
            throw;
        }
    }
}

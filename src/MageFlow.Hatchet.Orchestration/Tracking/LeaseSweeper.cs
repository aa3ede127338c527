using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tracking;

/// <summary>
/// Every <see cref="MageFlowOptions.SweepInterval"/>: renews this process's lease, takes over the followed runs of
/// processes whose lease lapsed, follows again runs whose report failed here, and publishes again what stayed in the
/// in-flight index past <see cref="MageFlowOptions.PublishClaimTimeout"/> (or adopts it, when its run started but
/// nobody follows it); then, when one is due, runs a reconciliation pass (<see cref="RunReconciler"/>). Every slot
/// bucket that ever held state (and the legacy one) is visited.
/// </summary>
internal sealed class LeaseSweeper(ScriptRunner runner, MageFlowScripts scripts, RunFollower follower, RunReconciler reconciler, MageFlowOptions options, TimeProvider time, ILogger log) : IAsyncDisposable
{
    private const int MaxStalledPerSweep = 200;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start()
    {
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(LoopAsync);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    /// <summary>One sweep (the loop runs it; tests call it directly).</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var (runId, signatureId) in await scripts.Owners.RunAsync(follower.Owner, now - options.OwnerLeaseTimeout, cancellationToken).ConfigureAwait(false))
        {
            follower.Follow(runId, signatureId);
        }

        var buckets = await runner.BucketsAsync(cancellationToken).ConfigureAwait(false);
        if (follower.TakeRefollowRequest())
        {
            foreach (var bucket in buckets)
            {
                foreach (var run in await runner.DoAsync(db => db.HashGetAllAsync(RedisKeys.OwnerRuns(bucket, follower.Owner)), cancellationToken).ConfigureAwait(false))
                {
                    follower.Follow(run.Name!, run.Value!);
                }
            }
        }

        // Queued entries have score -queued_at and claimed ones claimed_at: both are stale inside this one range. Every
        // bucket's in-flight index is read at once (pipelined); each bucket's stalled entries are claimed in its own call.
        var stale = (now - options.PublishClaimTimeout).ToUnixTimeMilliseconds();
        var stalledByBucket = await Task.WhenAll(buckets.Select(b => runner.DoAsync(db => db.SortedSetRangeByScoreAsync(RedisKeys.Inflight(b), -stale, stale, take: MaxStalledPerSweep), cancellationToken))).ConfigureAwait(false);
        foreach (var stalled in stalledByBucket)
        {
            if (stalled.Length == 0)
            {
                continue;
            }

            var entries = await scripts.Prepare.RunAsync(stalled.Select(s => (string)s!).ToArray(), options.PublishClaimTimeout, follower.Owner, cancellationToken).ConfigureAwait(false);
            foreach (var adopted in entries.Where(e => e.Status == "adopted"))
            {
                follower.Follow(adopted.RunId, adopted.Id);
            }

            await reconciler.RepublishAsync(entries, cancellationToken).ConfigureAwait(false);
        }

        await reconciler.ReconcileIfDueAsync(buckets, cancellationToken).ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(options.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                MageFlowLog.SweepFailed(log, e);
            }
        }
        while (await TickAsync(timer, _stop.Token).ConfigureAwait(false));
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

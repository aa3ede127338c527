using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using MageFlow.Hatchet.Runs;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Tracking;

/// <summary>
/// Follows the runs this process published until their ends are recorded. A run whose C# worker reports its own end
/// (see <see cref="PublishedRun.ReportedByWorker"/>) is only remembered here: most end within <see cref="FollowDelay"/>
/// and never cost a Redis write or an engine subscription. Every other run, and one still running after the delay,
/// is followed through the engine's run events: recorded under this process's owner id (so another process takes
/// it over should this one die), watched, and its end recorded when the engine reports it.
/// </summary>
internal sealed class RunFollower : IRunObserver, IAsyncDisposable
{
    /// <summary>How long a run whose worker reports its own end goes unfollowed.</summary>
    public static readonly TimeSpan FollowDelay = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly HatchetClient _client;
    private readonly MageFlowScripts _scripts;
    private readonly Publisher _publisher;
    private readonly RunCanceller _canceller;
    private readonly MageFlowOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();

    /// <summary>Runs watched through the engine's events, each with its signature.</summary>
    private readonly Dictionary<string, string> _followed = new(StringComparer.Ordinal);

    /// <summary>Runs whose worker should report their ends, by run id, and the order they were published in.</summary>
    private readonly Dictionary<string, PublishedRun> _waiting = new(StringComparer.Ordinal);

    /// <summary>The swarm items' runs this process started and counts as running until they end.</summary>
    private readonly HashSet<string> _swarmRuns = new(StringComparer.Ordinal);
    private readonly Queue<(string RunId, long Since)> _waitingOrder = new();

    /// <summary>Engine events of finished runs; those that arrive together share one Lua call.</summary>
    private readonly Coalescer<OnFinishedScript.End> _reports;
    private Task? _delayLoop;
    private int _refollow;

    public RunFollower(HatchetClient client, MageFlowScripts scripts, Publisher publisher, RunCanceller canceller, MageFlowOptions options, string owner, ILogger log)
    {
        _client = client;
        _scripts = scripts;
        _publisher = publisher;
        _canceller = canceller;
        _options = options;
        _log = log;
        _time = client.Options.TimeProvider;
        Owner = owner;
        _reports = new(RecordEngineEndsAsync, maxBatch: 500, stopping: _stop.Token);
    }

    /// <summary>Gets this process's owner id: the runs it follows are recorded under it.</summary>
    public string Owner { get; }

    /// <summary>Follows runs just published. With <paramref name="waitForWorkers"/>, runs whose worker reports their end
    /// wait <see cref="FollowDelay"/> first (the hot path of swarms and chains); otherwise every run is followed now.</summary>
    public async Task TrackAsync(IReadOnlyList<PublishedRun> runs, bool waitForWorkers, CancellationToken cancellationToken)
    {
        if (runs.Count == 0)
        {
            return;
        }

        var now = new List<PublishedRun>(waitForWorkers ? 0 : runs.Count);
        var since = _time.GetTimestamp();
        lock (_gate)
        {
            foreach (var run in runs)
            {
                if (run.SwarmItem)
                {
                    _swarmRuns.Add(run.RunId);
                }

                if (waitForWorkers && run.ReportedByWorker)
                {
                    _waiting[run.RunId] = run;
                    _waitingOrder.Enqueue((run.RunId, since));
                }
                else
                {
                    now.Add(run);
                }
            }

            if (_waitingOrder.Count > 0 && _delayLoop is null)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _delayLoop = Task.Run(FollowWhenDueLoopAsync, CancellationToken.None);
                }
            }
        }

        await FollowNowAsync(now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Watches a run already recorded under this owner (taken over, adopted, or lost by a failed report).</summary>
    public void Follow(string runId, string signatureId)
    {
        lock (_gate)
        {
            if (!_followed.TryAdd(runId, signatureId))
            {
                return;
            }
        }

        _client.Runs.Watch(runId, this);
    }

    /// <summary>This process's worker has recorded these runs' ends: nothing needs to follow them.</summary>
    public void Forget(IEnumerable<string> runIds)
    {
        var swarmItemsEnded = 0;
        lock (_gate)
        {
            foreach (var runId in runIds)
            {
                _waiting.Remove(runId);
                _followed.Remove(runId);
                swarmItemsEnded += _swarmRuns.Remove(runId) ? 1 : 0;
            }
        }

        if (swarmItemsEnded > 0)
        {
            Diagnostics.MageFlowTelemetry.SwarmItemsRunning.Add(-swarmItemsEnded);
        }
    }

    /// <summary>Returns whether a report failed since the last call, so that the runs recorded under this owner must be
    /// followed again (the sweeper reads them back).</summary>
    public bool TakeRefollowRequest() => Interlocked.Exchange(ref _refollow, 0) == 1;

    void IRunObserver.OnRunFinished(RunOutcome outcome)
    {
        string? signatureId;
        lock (_gate)
        {
            _followed.TryGetValue(outcome.RunId, out signatureId);
        }

        if (signatureId is not null)
        {
            var (ok, value) = RunOutcomes.Describe(outcome);
            _reports.Post(new OnFinishedScript.End(outcome.RunId, signatureId, ok, value));
        }
    }

    void IRunObserver.OnWatchFailed(string runId, Exception error)
    {
        // The run stays recorded under this owner; the next sweep (here or after a takeover) follows it again.
        MageFlowLog.TrackFailed(_log, runId, error);
        Forget([runId]);
        Interlocked.Exchange(ref _refollow, 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reports.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_delayLoop is not null)
        {
            await _delayLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }

    private async Task FollowNowAsync(List<PublishedRun> runs, CancellationToken cancellationToken)
    {
        if (runs.Count == 0)
        {
            return;
        }

        // Recorded before watched: the run's end, however fast, then finds its record.
        var marks = runs.Select(r => new MarkFollowedScript.Run(r.SignatureId, r.RunId, r.InputJson)).ToList();
        await _scripts.MarkFollowed.RunAsync(Owner, _options.TtlFor(Signatures.SignatureKind.Task).Active, marks, cancellationToken).ConfigureAwait(false);
        foreach (var run in runs)
        {
            Follow(run.RunId, run.SignatureId);
        }
    }

    /// <summary>Follows the runs whose worker has not reported their end within <see cref="FollowDelay"/>.</summary>
    private async Task FollowWhenDueLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(PollInterval, _time, _stop.Token).ConfigureAwait(false);
                var due = new List<PublishedRun>();
                lock (_gate)
                {
                    while (_waitingOrder.TryPeek(out var next) && _time.GetElapsedTime(next.Since) >= FollowDelay)
                    {
                        _waitingOrder.Dequeue();
                        if (_waiting.Remove(next.RunId, out var run))
                        {
                            due.Add(run);
                        }
                    }
                }

                try
                {
                    await FollowNowAsync(due, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!_stop.IsCancellationRequested)
                {
                    // They stay in the in-flight index: the sweeper adopts and follows them after the claim timeout.
                    MageFlowLog.FollowFailed(_log, due.Count, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Records finished runs reported by the engine's events, and publishes what their ends queued.</summary>
    private async Task RecordEngineEndsAsync(List<OnFinishedScript.End> batch)
    {
        using var span = Diagnostics.MageFlowTelemetry.StartCallbackSpan(batch.Count, "engine");
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        await RecordEngineEndsCoreAsync(batch).ConfigureAwait(false);
        Diagnostics.MageFlowTelemetry.RecordSince(Diagnostics.MageFlowTelemetry.CallbackDuration, startedAt);
    }

    private async Task RecordEngineEndsCoreAsync(List<OnFinishedScript.End> batch)
    {
        OnFinishedScript.Outcome outcome;
        try
        {
            outcome = await _scripts.OnFinished.RunAsync(Owner, _options.PublishClaimTimeout, OnFinishedScript.Source.Engine, batch, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            // The runs stay recorded under this owner; the next sweep follows them again, and reports them again. Any
            // failure is caught here: the reports must go on with the next batches.
            foreach (var end in batch)
            {
                MageFlowLog.TrackFailed(_log, end.RunId, e);
            }

            Forget(batch.Select(e => e.RunId));
            Interlocked.Exchange(ref _refollow, 1);
            return;
        }

        RunOutcomes.LogErrors(_log, outcome.Errors);
        Forget(batch.Select(e => e.RunId));
        await _canceller.CancelAsync(outcome.RunsToCancel, _stop.Token).ConfigureAwait(false);
        await PublishClaimedAsync(outcome.Claimed).ConfigureAwait(false);
    }

    /// <summary>Publishes what a recorded end claimed. A failure leaves the claims in the in-flight index, where the
    /// sweeper publishes them again once they are stale.</summary>
    internal async Task PublishClaimedAsync(IReadOnlyList<PublishEntry> claimed, bool waitForWorkers = true)
    {
        if (claimed.Count == 0)
        {
            return;
        }

        try
        {
            var published = await _publisher.PublishEntriesAsync(claimed, _stop.Token).ConfigureAwait(false);
            await TrackAsync(published, waitForWorkers, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            MageFlowLog.PublishFailed(_log, e);
        }
    }
}

using System.Diagnostics;
using MageFlow.Hatchet.Orchestration.Diagnostics;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using MageFlow.Hatchet.Orchestration.Tracking;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Execution;

/// <summary>
/// Records the ends of signature runs this process's workers report, and starts what those ends queued (the next swarm
/// items, chain steps, callbacks): one Lua call records a batch of ends and claims their successors, one bulk trigger
/// starts them. Nothing waits for it: the task's result goes to the engine at once. Should it fail, the engine's run
/// events record these ends instead.
/// </summary>
internal sealed class EndBatcher : IAsyncDisposable
{
    private readonly MageFlowScripts _scripts;
    private readonly RunFollower _follower;
    private readonly RunCanceller _canceller;
    private readonly MageFlowOptions _options;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Coalescer<OnFinishedScript.End> _ends;

    public EndBatcher(MageFlowScripts scripts, RunFollower follower, RunCanceller canceller, MageFlowOptions options, ILogger log)
    {
        _scripts = scripts;
        _follower = follower;
        _canceller = canceller;
        _options = options;
        _log = log;

        // Two loops: while one batch's successors are being triggered, the next batch is recorded.
        _ends = new(RecordManyAsync, maxBatch: 500, loops: 2, stopping: _stop.Token);
    }

    public void Report(OnFinishedScript.End end) => _ends.Post(end);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _ends.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RecordManyAsync(List<OnFinishedScript.End> batch)
    {
        using var span = MageFlowTelemetry.StartCallbackSpan(batch.Count, "worker");
        var startedAt = Stopwatch.GetTimestamp();
        await RecordManyCoreAsync(batch).ConfigureAwait(false);
        MageFlowTelemetry.RecordSince(MageFlowTelemetry.CallbackDuration, startedAt);
    }

    private async Task RecordManyCoreAsync(List<OnFinishedScript.End> batch)
    {
        OnFinishedScript.Outcome outcome;
        try
        {
            outcome = await _scripts.OnFinished.RunAsync(_follower.Owner, _options.PublishClaimTimeout, OnFinishedScript.Source.Worker, batch, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            MageFlowLog.WorkerReportFailed(_log, batch.Count, e);
            return;
        }

        RunOutcomes.LogErrors(_log, outcome.Errors);
        _follower.Forget(batch.Select(b => b.RunId));
        await _canceller.CancelAsync(outcome.RunsToCancel, _stop.Token).ConfigureAwait(false);
        await _follower.PublishClaimedAsync(outcome.Claimed).ConfigureAwait(false);
    }
}

using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using MageFlow.Hatchet.Runs;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tracking;

/// <summary>
/// Repairs what Redis lost. Redis acknowledges a step before it is on disk (AOF <c>everysec</c>) or on a replica, so a
/// restart or a failover can bring it back without the last recorded run ends; nobody would report those runs again,
/// and their flows would wait forever. The engine keeps its own record of every run, so this compares the runs Redis
/// still believes are running (the running index, and the runs this process follows) with the engine's record, and
/// records the ends Redis is missing, once (<c>on_finished</c> ignores an end already recorded).
/// </summary>
/// <remarks>
/// What a replayed end queues (a callback, the next chain step or swarm item) may already have a run in the engine,
/// started before Redis lost the claim: those signatures are looked up in the engine by their metadata and adopted,
/// not started a second time.
/// </remarks>
internal sealed class RunReconciler
{
    /// <summary>At most this many runs are checked in one pass; the next pass goes on.</summary>
    private const int MaxRunsPerPass = 1000;

    private readonly HatchetClient _client;
    private readonly ScriptRunner _runner;
    private readonly MageFlowScripts _scripts;
    private readonly RunFollower _follower;
    private readonly MageFlowOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private int _reconnected;
    private DateTimeOffset _lastPass;

    public RunReconciler(HatchetClient client, IConnectionMultiplexer redis, ScriptRunner runner, MageFlowScripts scripts, RunFollower follower, MageFlowOptions options, TimeProvider time, ILogger log)
    {
        (_client, _runner, _scripts, _follower, _options, _time, _log) = (client, runner, scripts, follower, options, time, log);
        _lastPass = time.GetUtcNow();

        // A reconnection is when writes may have been lost: the next sweep checks every running run, whatever its age.
        redis.ConnectionRestored += (_, _) => Interlocked.Exchange(ref _reconnected, 1);
    }

    /// <summary>Runs a pass over <paramref name="buckets"/> when one is due: after a reconnection (every run), or every
    /// <see cref="MageFlowOptions.ReconcileInterval"/>.</summary>
    public async Task ReconcileIfDueAsync(IReadOnlyList<string> buckets, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reconnected, 0) == 1)
        {
            await ReconcileAsync(buckets, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        else if (_options.ReconcileInterval > TimeSpan.Zero && _time.GetUtcNow() - _lastPass >= _options.ReconcileInterval)
        {
            await ReconcileAsync(buckets, _options.ReconcileInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass over every bucket's runs started at least <paramref name="minimumAge"/> ago.</summary>
    public async Task<ReconcileReport> ReconcileAsync(TimeSpan minimumAge, CancellationToken cancellationToken) =>
        await ReconcileAsync(await _runner.BucketsAsync(cancellationToken).ConfigureAwait(false), minimumAge, cancellationToken).ConfigureAwait(false);

    private async Task<ReconcileReport> ReconcileAsync(IReadOnlyList<string> buckets, TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        _lastPass = _time.GetUtcNow();
        var report = new ReconcileReport();
        var runs = new List<(string Id, string Run)>();
        foreach (var bucket in buckets)
        {
            runs.AddRange(await RunningAsync(bucket, minimumAge, report, cancellationToken).ConfigureAwait(false));
        }

        await RecordEndsAsync(new Queue<(string Id, string Run)>(runs), report, cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>
    /// Publishes again what stayed claimed too long (the sweeper's stalled entries). Its claim, or the record of its
    /// run, may have been lost with writes Redis did not keep, or its publisher may have died after starting the run:
    /// a signature whose run the engine already has is adopted (and its end recorded if it has one), not started twice.
    /// </summary>
    public async Task RepublishAsync(IReadOnlyList<PublishEntry> entries, CancellationToken cancellationToken)
    {
        var report = new ReconcileReport();
        var adopted = await AdoptStartedAsync(entries, report, waitForWorkers: false, cancellationToken).ConfigureAwait(false);
        await RecordEndsAsync(new Queue<(string Id, string Run)>(adopted), report, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the ends the engine has of these runs, and handles what they queue, until nothing is left.</summary>
    private async Task RecordEndsAsync(Queue<(string Id, string Run)> pending, ReconcileReport report, CancellationToken cancellationToken)
    {
        while (pending.TryDequeue(out var next))
        {
            report.Checked++;
            var details = await EngineRecordAsync(next.Run, cancellationToken).ConfigureAwait(false);
            if (details is null || details.Status is RunStatus.Queued or RunStatus.Running)
            {
                continue;
            }

            var (ok, value) = RunOutcomes.Describe(OutcomeOf(details));
            var outcome = await _scripts.OnFinished.RunAsync(_follower.Owner, _options.PublishClaimTimeout, OnFinishedScript.Source.Reconcile, [new OnFinishedScript.End(next.Run, next.Id, ok, value)], cancellationToken).ConfigureAwait(false);
            RunOutcomes.LogErrors(_log, outcome.Errors);
            if (outcome.FirstStatus != "ok")
            {
                continue;
            }

            report.Repaired++;
            MageFlowLog.RunEndRepaired(_log, next.Run, next.Id);
            _follower.Forget([next.Run]);
            foreach (var adopted in await AdoptStartedAsync(outcome.Claimed, report, waitForWorkers: true, cancellationToken).ConfigureAwait(false))
            {
                // An adopted run may have ended too: it is checked in this pass.
                pending.Enqueue(adopted);
            }
        }
    }

    /// <summary>The runs of one bucket to compare: those of its running index started long enough ago, and every run
    /// this process follows there. Entries whose signature expired or already ended are stale: they are dropped.</summary>
    private async Task<List<(string Id, string Run)>> RunningAsync(string bucket, TimeSpan minimumAge, ReconcileReport report, CancellationToken cancellationToken)
    {
        var cutoff = (_time.GetUtcNow() - minimumAge).ToUnixTimeMilliseconds();
        var running = RedisKeys.Running(bucket);
        var ids = await _runner.DoAsync(db => db.SortedSetRangeByScoreAsync(running, double.NegativeInfinity, cutoff, take: MaxRunsPerPass), cancellationToken).ConfigureAwait(false);
        var runs = new List<(string Id, string Run)>();
        var stale = new List<RedisValue>();
        foreach (var id in ids)
        {
            var fields = await _runner.DoAsync(db => db.HashGetAsync(_runner.Keys.Signature(id!), [Fields.Status, Fields.Run]), cancellationToken).ConfigureAwait(false);
            var (status, run) = ((string?)fields[0], (string?)fields[1]);
            if (status is null || status is "done" or "failed" or "canceled" || string.IsNullOrEmpty(run))
            {
                stale.Add(id);
            }
            else
            {
                runs.Add((id!, run));
            }
        }

        if (stale.Count > 0)
        {
            await _runner.DoAsync(db => db.SortedSetRemoveAsync(running, [.. stale]), cancellationToken).ConfigureAwait(false);
            report.StaleEntries += stale.Count;
        }

        var followed = await _runner.DoAsync(db => db.HashGetAllAsync(RedisKeys.OwnerRuns(bucket, _follower.Owner)), cancellationToken).ConfigureAwait(false);
        runs.AddRange(followed.Take(MaxRunsPerPass).Select(f => ((string)f.Value!, (string)f.Name!)));

        // A run can be in both: started by a worker here, and followed since its worker took long.
        return [.. runs.DistinctBy(r => r.Run)];
    }

    /// <summary>The engine's record of a run, or <see langword="null"/> when it cannot be read now (the next pass tries again).</summary>
    private async Task<RunDetails?> EngineRecordAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.Runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HatchetApiException or HttpRequestException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            MageFlowLog.ReconcileReadFailed(_log, runId, e);
            return null;
        }
    }

    private static RunOutcome OutcomeOf(RunDetails details) =>
        new(details.RunId, [.. details.Tasks.Select(t => new TaskRunOutcome(
            t.TaskName,
            t.TaskExternalId,
            t.Status == RunStatus.Completed ? t.Output.GetRawText() : null,
            t.Status == RunStatus.Completed ? null : t.ErrorMessage ?? (t.Status == RunStatus.Cancelled ? "task was cancelled" : "task failed")))]);

    /// <summary>
    /// Starts what a replayed end queued, except signatures whose run the engine already has (started before Redis lost
    /// their claim): those are adopted, followed by this process, and returned to be checked.
    /// </summary>
    private async Task<List<(string Id, string Run)>> AdoptStartedAsync(IReadOnlyList<PublishEntry> claimed, ReconcileReport report, bool waitForWorkers, CancellationToken cancellationToken)
    {
        var adopted = new List<(string Id, string Run)>();
        var toPublish = new List<PublishEntry>();
        foreach (var entry in claimed)
        {
            var existing = entry.Status == "ok" ? await StartedRunOfAsync(entry, cancellationToken).ConfigureAwait(false) : null;
            if (existing is null)
            {
                toPublish.Add(entry);
                continue;
            }

            await _scripts.MarkFollowed.RunAsync(_follower.Owner, _options.TtlFor(Signatures.SignatureKind.Task).Active, [new MarkFollowedScript.Run(entry.Id, existing.Value.Run, existing.Value.Input)], cancellationToken).ConfigureAwait(false);
            _follower.Follow(existing.Value.Run, entry.Id);
            adopted.Add((entry.Id, existing.Value.Run));
            report.Adopted++;
        }

        await _follower.PublishClaimedAsync(toPublish, waitForWorkers).ConfigureAwait(false);
        return adopted;
    }

    /// <summary>The engine's run of a signature (by the signature id its runs carry in their metadata, and its workflow:
    /// a child of that run inherits the metadata but runs another workflow), if one was started.</summary>
    private async Task<(string Run, string Input)?> StartedRunOfAsync(PublishEntry entry, CancellationToken cancellationToken)
    {
        var query = new ListRunsQuery
        {
            Since = _time.GetUtcNow() - _options.TtlFor(Signatures.SignatureKind.Task).Active,
            AdditionalMetadata = new Dictionary<string, string> { [Publisher.SignatureMetadataKey] = entry.Id },
            IncludePayloads = true,
        };
        try
        {
            await foreach (var run in _client.Runs.ListAsync(query, cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(run.WorkflowName, entry.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return (string.IsNullOrEmpty(run.WorkflowRunId) ? run.Id : run.WorkflowRunId, run.Input.ValueKind == System.Text.Json.JsonValueKind.Undefined ? "{}" : run.Input.GetRawText());
                }
            }
        }
        catch (Exception e) when (e is HatchetApiException or HttpRequestException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // Not knowing is not a reason to hold the flow: it is published (its worker skips a second run of a
            // signature that already started).
            MageFlowLog.ReconcileReadFailed(_log, entry.Id, e);
        }

        return null;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>
/// Publishes signatures and follows their engine runs to the end. Completion comes from the engine's run
/// events (<c>SubscribeToWorkflowRuns</c>), so children written in any language count, and a run whose task
/// timed out or whose worker died still finishes its bookkeeping; a C# worker with MageFlow reports its own
/// single-task runs first (<see cref="RecordEndsAsync"/>), and their events are then ignored. Each tracked run
/// is recorded under this process's owner id; when an owner stops renewing its lease, another MageFlow process
/// takes its runs over. Every report goes through an idempotent Lua script, so a run reported twice (by its
/// worker and by the engine, or after a takeover) changes nothing.
/// </summary>
internal sealed partial class Tracker : IAsyncDisposable, IRunWatcher
{
    /// <summary>A signature claimed for publishing: the 10 values of prepare_one (common.lua) after its id.</summary>
    private readonly record struct Prepared(string Id, string Status, string Name, string Kwargs, string ReturnField, string InMode, string InValue, string ItemMessage, string SwarmMessage, string SwarmKwargs, string Meta)
    {
        public const int Width = 10;

        public static Prepared Read(RedisResult[] values, int at, string id) => new(
            id,
            (string)values[at]!,
            (string)values[at + 1]!,
            (string)values[at + 2]!,
            (string)values[at + 3]!,
            (string)values[at + 4]!,
            (string)values[at + 5]!,
            (string)values[at + 6]!,
            (string)values[at + 7]!,
            (string)values[at + 8]!,
            (string)values[at + 9]!);
    }

    private sealed record FinishedReport(string RunId, string SignatureId, WorkflowRunEvent Event);

    /// <summary>Signatures to publish: ids still to claim, or entries already claimed for this owner (by on_finished).</summary>
    private sealed record PublishRequest(IReadOnlyCollection<string> Ids, IReadOnlyList<Prepared>? Claimed = null)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Mageflow _mageflow;
    private readonly CancellationTokenSource _stop = new();
    /// <summary>Runs followed now, each with its signature.</summary>
    private readonly Dictionary<string, string> _tracking = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private const int MaxBatch = 500;
    private Task? _sweeper;

    /// <summary>Two publishers: requests that arrive while a batch is in flight are coalesced into the next one.</summary>
    private readonly Coalescer<PublishRequest> _publishes;

    /// <summary>Engine events of finished runs; those that arrive together share one Lua call.</summary>
    private readonly Coalescer<FinishedReport> _reports;

    public Tracker(Mageflow mageflow)
    {
        _mageflow = mageflow;
        Owner = Guid.NewGuid().ToString("N");
        _publishes = new(PublishManyAsync, MaxBatch, loops: 2, size: r => r.Ids.Count + (r.Claimed?.Count ?? 0), stopping: _stop.Token);
        _reports = new(ReportManyAsync, MaxBatch, stopping: _stop.Token);
    }

    public string Owner { get; }

    private RedisStore Store => _mageflow.Store;

    private MageflowOptions Options => _mageflow.Options;

    public void Start()
    {
        using (ExecutionContext.SuppressFlow())
        {
            _sweeper = Task.Run(SweepLoopAsync);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_sweeper is not null)
        {
            await _sweeper.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _reports.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_deferredLoop is not null)
        {
            await _deferredLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _publishes.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        _stop.Dispose();
    }

    /// <summary>Publishes queued signatures. Requests that arrive while a batch is in flight are coalesced into
    /// the next one: one Lua call claims them, one bulk trigger starts them, one Lua call records them.</summary>
    public Task PublishAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        var request = new PublishRequest(ids);
        _publishes.Post(request);
        return request.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Hands queued signatures to the publisher without waiting: they are durably queued in Redis, and a
    /// failed publish is retried by the sweeper.</summary>
    public void Enqueue(IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        _publishes.Post(new PublishRequest(ids));
    }

    private async Task PublishManyAsync(List<PublishRequest> batch)
    {
        try
        {
            var claimed = batch.SelectMany(r => r.Claimed ?? []).DistinctBy(p => p.Id, StringComparer.Ordinal).ToList();
            var known = claimed.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            await PublishBatchAsync(batch.SelectMany(r => r.Ids).Where(id => !known.Contains(id)).Distinct(StringComparer.Ordinal).ToArray(), claimed).ConfigureAwait(false);
            foreach (var r in batch)
            {
                r.Done.TrySetResult();
            }
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            // Entries stay in the publishing set; the sweeper publishes them again later. Any failure is caught
            // here: the publishers must go on with the next batches.
            LogPublishFailed(_mageflow.Log, e.Message);
            foreach (var r in batch)
            {
                r.Done.TrySetException(e);
            }
        }
    }

    private async Task PublishBatchAsync(string[] ids, List<Prepared> entries)
    {
        if (ids.Length > 0)
        {
            var args = new RedisValue[ids.Length + 2];
            args[0] = Owner;
            args[1] = RedisStore.Ms(Options.PublishClaimTimeout);
            for (var i = 0; i < ids.Length; i++)
            {
                args[i + 2] = ids[i];
            }

            var prepared = (RedisResult[])(await Store.EvalAsync("prepare_many", args).ConfigureAwait(false))!;
            for (var i = 0; i < ids.Length; i++)
            {
                entries.Add(Prepared.Read(prepared, i * Prepared.Width, ids[i]));
            }
        }

        var triggers = new List<(string WorkflowName, object? Input, RunOptions? Options)>(entries.Count);
        var published = new List<(string Id, string Input)>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Status != "ok" && entry.Status != "container")
            {
                continue; // already published, held, finished, or claimed by another process
            }

            var kwargs = entry.Kwargs;
            var returnField = entry.ReturnField.Length > 0 ? entry.ReturnField : Mageflow.DefaultReturnField;
            var value = entry.InValue;
            var input = entry.InMode switch
            {
                "result" => IsEmpty(kwargs)
                    ? "{" + JsonSerializer.Serialize(returnField) + ":" + (IsEmpty(value) ? "null" : value) + "}"
                    : Merge(Parse(kwargs), new JsonObject { [returnField] = ParseAny(value) }).ToJsonString(),
                "swarm" => MergeText(entry.SwarmMessage, entry.SwarmKwargs, entry.ItemMessage, kwargs),
                _ => MergeText(value, kwargs),
            };
            if (entry.Status == "container")
            {
                // A chain or swarm inside a container starts in Redis; what it publishes comes back through the queue.
                var (_, more) = await Store.EvalWithPublishAsync("run", entry.Id, input, "1").ConfigureAwait(false);
                if (more.Length > 0)
                {
                    _publishes.Post(new PublishRequest(more));
                }

                continue;
            }

            var options = new RunOptions { AsChild = false };
            var meta = entry.Meta;
            if (meta.Length > 0 && JsonNode.Parse(meta) is JsonObject extra)
            {
                foreach (var (k, v) in extra)
                {
                    options.AdditionalMetadata[k] = v?.ToString() ?? string.Empty;
                }
            }

            options.AdditionalMetadata[HatchetClient.SignatureMetadataKey] = entry.Id;
            triggers.Add((entry.Name, new RawJson(input), options));
            published.Add((entry.Id, input));
        }

        if (triggers.Count == 0)
        {
            return;
        }

        IReadOnlyList<string?> runIds;
        try
        {
            runIds = await _mageflow.Client.TriggerBatchAsync(triggers, _stop.Token).ConfigureAwait(false);
        }
        catch (HatchetRpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument)
        {
            // One bad item fails a whole bulk call: start them one by one, and fail only the ones the engine refuses.
            runIds = await TriggerOneByOneAsync(triggers, published).ConfigureAwait(false);
        }

        var mark = new List<RedisValue>(2 + (published.Count * 3)) { Owner, RedisStore.Seconds(Options.TtlFor("task").Active) };
        for (var i = 0; i < published.Count; i++)
        {
            if (runIds[i] is not { } runId)
            {
                continue;
            }

            mark.Add(published[i].Id);
            mark.Add(runId);
            mark.Add(published[i].Input);
        }

        // The record is sent before the runs are followed, and Redis runs one connection's commands in order, so
        // their reports (sent later) find it; following them does not wait for its reply. A record that Polly has
        // to retry may land after a fast run's report (found untracked): the sweeper then follows the recorded run
        // again. A record that fails for good fails this publish, and the sweeper may publish it a second time.
        var marking = mark.Count > 2 ? Store.EvalAsync("mark_many", [.. mark]) : Task.FromResult<RedisResult>(null!);
        for (var i = 0; i < published.Count; i++)
        {
            if (runIds[i] is { } runId)
            {
                Track(runId, published[i].Id, ReportedByOwnWorker(triggers[i].WorkflowName));
            }
        }

        await marking.ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string?>> TriggerOneByOneAsync(List<(string WorkflowName, object? Input, RunOptions? Options)> triggers, List<(string Id, string Input)> published)
    {
        var runIds = new string?[triggers.Count];
        for (var i = 0; i < triggers.Count; i++)
        {
            try
            {
                runIds[i] = (await _mageflow.Client.TriggerBatchAsync([triggers[i]], _stop.Token).ConfigureAwait(false))[0];
            }
            catch (HatchetRpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument)
            {
                LogPublishRefused(_mageflow.Log, published[i].Id, triggers[i].WorkflowName, e.Detail);
                var (_, more) = await Store.EvalWithPublishAsync("publish_failed", published[i].Id, $"the engine refused to start '{triggers[i].WorkflowName}': {e.Detail}").ConfigureAwait(false);
                if (more.Length > 0)
                {
                    _publishes.Post(new PublishRequest(more));
                }
            }
        }

        return runIds;
    }

    /// <summary>Follows a run until the engine reports it finished, then records the outcome. Runs are watched
    /// with a callback on the client's shared run listener: no task or continuation waits per run. A run whose
    /// worker reports its end itself (a single-task workflow this client declares, run by a C# worker) is
    /// watched only if it has not ended after <see cref="FollowDelay"/>: most never need the engine's event.</summary>
    private void Track(string runId, string signatureId, bool deferred = false)
    {
        lock (_gate)
        {
            if (!_tracking.TryAdd(runId, signatureId))
            {
                return;
            }
        }

        if (!deferred)
        {
            _mageflow.Client.Listener.Watch(runId, this);
            return;
        }

        _deferred.Enqueue((runId, _mageflow.Client.Options.TimeProvider.GetTimestamp()));
        if (_deferredLoop is null)
        {
            lock (_gate)
            {
                if (_deferredLoop is null)
                {
                    using (ExecutionContext.SuppressFlow())
                    {
                        _deferredLoop = Task.Run(FollowDeferredLoopAsync);
                    }
                }
            }
        }
    }

    /// <summary>How long a run whose worker reports its own end goes unwatched.</summary>
    internal static readonly TimeSpan FollowDelay = TimeSpan.FromMilliseconds(500);

    private readonly System.Collections.Concurrent.ConcurrentQueue<(string RunId, long Since)> _deferred = new();
    private Task? _deferredLoop;

    /// <summary>Whether a C# worker with MageFlow reports this workflow's runs itself: a single-task workflow this
    /// client declares (a DAG ends with its last task, which the engine reports).</summary>
    private bool ReportedByOwnWorker(string workflowName)
    {
        if (_ownSingleTasks is null)
        {
            _ownSingleTasks = _mageflow.Client.Workflows.Where(w => w.IsSingleTask).Select(w => w.WorkflowName).ToHashSet(StringComparer.Ordinal);
        }

        return _ownSingleTasks.Contains(workflowName);
    }

    private HashSet<string>? _ownSingleTasks;

    /// <summary>Watches deferred runs that have not ended (their worker has not reported them) once their delay is over.</summary>
    private async Task FollowDeferredLoopAsync()
    {
        var time = _mageflow.Client.Options.TimeProvider;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, _stop.Token).ConfigureAwait(false);
                while (_deferred.TryPeek(out var next) && time.GetElapsedTime(next.Since) >= FollowDelay && _deferred.TryDequeue(out next))
                {
                    bool tracked;
                    lock (_gate)
                    {
                        tracked = _tracking.ContainsKey(next.RunId);
                    }

                    if (tracked)
                    {
                        _mageflow.Client.Listener.Watch(next.RunId, this);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    void IRunWatcher.OnRunFinished(string runId, WorkflowRunEvent evt)
    {
        string? signatureId;
        lock (_gate)
        {
            _tracking.TryGetValue(runId, out signatureId);
        }

        if (signatureId is null)
        {
            return;
        }

        _reports.Post(new FinishedReport(runId, signatureId, evt));
    }

    void IRunWatcher.OnRunFailed(string runId, Exception error)
    {
        // The run stays recorded under this owner; the next sweep (here or after a takeover) follows it again.
        LogTrackFailed(_mageflow.Log, runId, error.Message);
        Untrack([runId]);
    }

    /// <summary>This process's worker has recorded these runs' ends: their engine events need no report. A run
    /// whose record is written later (its publish was still being recorded) is followed again by the sweeper, and
    /// its report then changes nothing.</summary>
    internal void Forget(IEnumerable<string> runIds) => Untrack(runIds);

    private void Untrack(IEnumerable<string> runIds)
    {
        lock (_gate)
        {
            foreach (var runId in runIds)
            {
                _tracking.Remove(runId);
            }
        }
    }

    /// <summary>Records the ends of runs in one Lua call (on_finished) and publishes what they queued, which the
    /// call has already claimed for this owner. <paramref name="source"/> is 'engine' (the engine's run events)
    /// or 'worker' (a C# worker's own report of a signature run's success, ahead of the engine's event).</summary>
    internal async Task RecordEndsAsync(string source, IEnumerable<(string RunId, string SignatureId, bool Ok, string Value)> ends)
    {
        var args = new List<RedisValue> { Owner, RedisStore.Ms(Options.PublishClaimTimeout), source };
        foreach (var (runId, signatureId, ok, value) in ends)
        {
            args.Add(runId);
            args.Add(signatureId);
            args.Add(ok ? "1" : "0");
            args.Add(value);
        }

        var result = (RedisResult[])(await Store.EvalAsync("on_finished", [.. args]).ConfigureAwait(false))!;

        // {status of the first run, N, N claimed entries (id + Prepared.Width values), errors...}
        var claimedCount = (int)result[1];
        var claimed = new List<Prepared>(claimedCount);
        var at = 2;
        for (var i = 0; i < claimedCount; i++, at += 1 + Prepared.Width)
        {
            claimed.Add(Prepared.Read(result, at + 1, (string)result[at]!));
        }

        for (; at < result.Length; at++)
        {
            // Corrupted state of one flow: reported, and no other flow is affected.
            var parts = ((string)result[at]!).Split(':', 3);
            LogCorrupted(_mageflow.Log, parts.Length > 1 ? parts[1] : parts[0], parts.Length > 2 ? parts[2] : parts[0]);
        }

        if (claimed.Count > 0)
        {
            _publishes.Post(new PublishRequest([], claimed));
        }
    }

    /// <summary>Records finished runs reported by the engine's events.</summary>
    private async Task ReportManyAsync(List<FinishedReport> batch)
    {
        try
        {
            await RecordEndsAsync("engine", batch.Select(r =>
            {
                var (ok, value) = Outcome(r.Event);
                return (r.RunId, r.SignatureId, ok, value);
            })).ConfigureAwait(false);
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            // The runs stay recorded under this owner; the next sweep follows and reports them again. Any failure
            // is caught here: the reports must go on with the next batches.
            foreach (var r in batch)
            {
                LogTrackFailed(_mageflow.Log, r.RunId, e.Message);
            }
        }
        finally
        {
            Untrack(batch.Select(r => r.RunId));
        }
    }

    private async Task SweepLoopAsync()
    {
        using var timer = new PeriodicTimer(Options.SweepInterval, _mageflow.Client.Options.TimeProvider);
        do
        {
            try
            {
                await SweepAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                LogSweepFailed(_mageflow.Log, e.Message);
            }
        }
        while (await Tick(timer, _stop.Token).ConfigureAwait(false));

        static async Task<bool> Tick(PeriodicTimer timer, CancellationToken token)
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

    /// <summary>Renews this owner's lease, takes over the runs of dead owners, re-follows own runs, and retries stalled publishes.</summary>
    internal async Task SweepAsync()
    {
        var now = _mageflow.Client.Options.TimeProvider.GetUtcNow();
        var deadline = (now - Options.OwnerLeaseTimeout).ToUnixTimeMilliseconds();
        var taken = (RedisResult[])(await Store.EvalAsync("owners", Owner, deadline).ConfigureAwait(false))!;
        for (var i = 0; i + 1 < taken.Length; i += 2)
        {
            Track((string)taken[i]!, (string)taken[i + 1]!);
        }

        // Runs recorded under this owner that nothing follows (e.g. a report failed on a Redis blip).
        var mine = await Store.Do(db => db.HashGetAllAsync(Store.Prefix + ":owner:" + Owner + ":runs")).ConfigureAwait(false);
        foreach (var run in mine)
        {
            Track(run.Name!, run.Value!);
        }

        var stale = (now - Options.PublishClaimTimeout).ToUnixTimeMilliseconds();
        var stalled = await Store.Do(db => db.SortedSetRangeByScoreAsync(Store.PublishingKey, double.NegativeInfinity, stale, take: 200)).ConfigureAwait(false);
        if (stalled.Length > 0)
        {
            await PublishAsync(stalled.Select(s => (string)s!).ToArray(), _stop.Token).ConfigureAwait(false);
        }
    }

    private static (bool Ok, string Value) Outcome(WorkflowRunEvent evt)
    {
        var errors = evt.Results.Where(r => r.HasError).Select(r => r.Error).ToList();
        if (errors.Count > 0)
        {
            return (false, string.Join("\n", errors));
        }

        var outputs = evt.Results.Where(r => r.HasOutput).ToList();
        if (outputs.Count == 1)
        {
            return (true, Unwrap(outputs[0].Output));
        }

        var all = new JsonObject();
        foreach (var r in outputs)
        {
            all[r.TaskName] = JsonNode.Parse(Unwrap(r.Output));
        }

        return (true, all.ToJsonString());
    }

    /// <summary>A signature run's output is <c>{"hatchet_results": X}</c> (C# and Python MageFlow); other tasks return X itself.</summary>
    private static string Unwrap(string output)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return "null";
        }

        try
        {
            using var doc = JsonDocument.Parse(output);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("hatchet_results", out var inner))
            {
                return inner.GetRawText();
            }
        }
        catch (JsonException)
        {
        }

        return output;
    }

    private static bool IsEmpty(string json) => json.Length == 0 || json == "{}";

    /// <summary>Deep-merges JSON objects given as text, later ones winning. Skips the parse when at most one part has content.</summary>
    private static string MergeText(params string[] parts)
    {
        string? only = null;
        var count = 0;
        foreach (var p in parts)
        {
            if (!IsEmpty(p))
            {
                only = p;
                count++;
            }
        }

        if (count == 0)
        {
            return "{}";
        }

        if (count == 1 && only!.TrimStart().StartsWith('{'))
        {
            return only;
        }

        var merged = new JsonObject();
        foreach (var p in parts)
        {
            Merge(merged, Parse(p));
        }

        return merged.ToJsonString();
    }

    private static JsonObject Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        return JsonNode.Parse(json) as JsonObject ?? [];
    }

    private static JsonNode? ParseAny(string json) => string.IsNullOrWhiteSpace(json) ? null : JsonNode.Parse(json);

    /// <summary>Deep-merges <paramref name="overlay"/> into <paramref name="target"/>: objects merge, everything else is replaced.</summary>
    private static JsonObject Merge(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay.ToArray())
        {
            if (value is JsonObject o && target[key] is JsonObject t)
            {
                Merge(t, o);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }

        return target;
    }

    [LoggerMessage(EventId = 3001, EventName = "TrackFailed", Level = LogLevel.Warning, Message = "Could not record the end of run {RunId} (will retry on the next sweep): {Reason}")]
    private static partial void LogTrackFailed(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 3005, EventName = "CorruptedState", Level = LogLevel.Error, Message = "The end of run {RunId} could not be recorded: its MageFlow state in Redis is corrupted ({Reason}); its flow stalls, other flows are unaffected")]
    private static partial void LogCorrupted(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 3004, EventName = "PublishRefused", Level = LogLevel.Error, Message = "Signature {SignatureId} failed: the engine refused to start '{Workflow}': {Reason}")]
    private static partial void LogPublishRefused(ILogger logger, string signatureId, string workflow, string reason);

    [LoggerMessage(EventId = 3003, EventName = "PublishFailed", Level = LogLevel.Warning, Message = "Publishing signatures failed (they are retried by the sweeper): {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3002, EventName = "SweepFailed", Level = LogLevel.Warning, Message = "MageFlow sweep failed: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}

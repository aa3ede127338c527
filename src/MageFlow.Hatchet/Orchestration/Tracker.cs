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
/// events (<c>SubscribeToWorkflowRuns</c>), never from code inside the run, so children written in any
/// language count, and a run whose task timed out or whose worker died still finishes its bookkeeping.
/// Each tracked run is recorded under this process's owner id; when an owner stops renewing its lease,
/// another MageFlow process takes its runs over. Every report goes through an idempotent Lua script, so a
/// run reported twice (after a takeover) changes nothing.
/// </summary>
internal sealed partial class Tracker : IAsyncDisposable
{
    private sealed record FinishedReport(string RunId, string Ok, string Value)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record PublishRequest(IReadOnlyCollection<string> Ids)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Mageflow _mageflow;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _tracking = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly System.Threading.Channels.Channel<PublishRequest> _publishQueue =
        System.Threading.Channels.Channel.CreateUnbounded<PublishRequest>();

    private const int MaxBatch = 500;
    private Task? _sweeper;
    private Task[]? _publishers;
    private Task? _reporter;
    private readonly System.Threading.Channels.Channel<FinishedReport> _finishedQueue =
        System.Threading.Channels.Channel.CreateUnbounded<FinishedReport>();

    public Tracker(Mageflow mageflow)
    {
        _mageflow = mageflow;
        Owner = Guid.NewGuid().ToString("N");
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

        _publishQueue.Writer.TryComplete();
        _finishedQueue.Writer.TryComplete();
        if (_reporter is not null)
        {
            await _reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var p in _publishers ?? [])
        {
            await p.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

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
        _publishQueue.Writer.TryWrite(request);
        EnsurePublishers();
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

        _publishQueue.Writer.TryWrite(new PublishRequest(ids));
        EnsurePublishers();
    }

    private void EnsurePublishers()
    {
        if (_publishers is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_publishers is null)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _publishers = [Task.Run(PublishLoopAsync), Task.Run(PublishLoopAsync)];
                }
            }
        }
    }

    private async Task PublishLoopAsync()
    {
        var reader = _publishQueue.Reader;
        var batch = new List<PublishRequest>();
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                var count = 0;
                while (count < MaxBatch && reader.TryRead(out var request))
                {
                    batch.Add(request);
                    count += request.Ids.Count;
                }

                try
                {
                    await PublishBatchAsync(batch.SelectMany(r => r.Ids).Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false);
                    foreach (var r in batch)
                    {
                        r.Done.TrySetResult();
                    }
                }
                catch (Exception e) when (e is RedisException or HatchetRpcException or JsonException)
                {
                    // Entries stay in the publishing set; the sweeper publishes them again later.
                    LogPublishFailed(_mageflow.Log, e.Message);
                    foreach (var r in batch)
                    {
                        r.Done.TrySetException(e);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PublishBatchAsync(string[] ids)
    {
        var args = new RedisValue[ids.Length + 2];
        args[0] = Owner;
        args[1] = RedisStore.Ms(Options.PublishClaimTimeout);
        for (var i = 0; i < ids.Length; i++)
        {
            args[i + 2] = ids[i];
        }

        var prepared = (RedisResult[])(await Store.EvalAsync("prepare_many", args).ConfigureAwait(false))!;
        var triggers = new List<(string WorkflowName, object? Input, RunOptions? Options)>(ids.Length);
        var published = new List<(string Id, string Input)>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            const int Width = 10;
            var f = i * Width;
            var status = (string)prepared[f]!;
            if (status != "ok" && status != "container")
            {
                continue; // already published, held, finished, or claimed by another process
            }

            var kwargs = (string)prepared[f + 2]!;
            var returnField = (string)prepared[f + 3]!;
            var value = (string)prepared[f + 5]!;
            var input = (string)prepared[f + 4]! switch
            {
                "result" => IsEmpty(kwargs)
                    ? "{" + JsonSerializer.Serialize(returnField.Length > 0 ? returnField : Mageflow.DefaultReturnField) + ":" + (IsEmpty(value) ? "null" : value) + "}"
                    : Merge(Parse(kwargs), new JsonObject { [returnField.Length > 0 ? returnField : Mageflow.DefaultReturnField] = ParseAny(value) }).ToJsonString(),
                "swarm" => MergeText((string)prepared[f + 7]!, (string)prepared[f + 8]!, (string)prepared[f + 6]!, kwargs),
                _ => MergeText(value, kwargs),
            };
            if (status == "container")
            {
                // A chain or swarm inside a container starts in Redis; what it publishes comes back through the queue.
                var (_, more) = await Store.EvalWithPublishAsync("run", ids[i], input, "1").ConfigureAwait(false);
                if (more.Length > 0)
                {
                    _publishQueue.Writer.TryWrite(new PublishRequest(more));
                }

                continue;
            }

            var options = new RunOptions { AsChild = false };
            var meta = (string)prepared[f + 9]!;
            if (meta.Length > 0 && JsonNode.Parse(meta) is JsonObject extra)
            {
                foreach (var (k, v) in extra)
                {
                    options.AdditionalMetadata[k] = v?.ToString() ?? string.Empty;
                }
            }

            options.AdditionalMetadata[HatchetClient.SignatureMetadataKey] = ids[i];
            triggers.Add(((string)prepared[f + 1]!, new RawJson(input), options));
            published.Add((ids[i], input));
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

        var mark = new List<RedisValue>(1 + (published.Count * 3)) { Owner };
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

        if (mark.Count > 1)
        {
            await Store.EvalAsync("mark_many", [.. mark]).ConfigureAwait(false);
        }

        foreach (var runId in runIds)
        {
            if (runId is not null)
            {
                Track(runId);
            }
        }
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
                    _publishQueue.Writer.TryWrite(new PublishRequest(more));
                }
            }
        }

        return runIds;
    }

    /// <summary>Follows a run until the engine reports it finished, then records the outcome.</summary>
    private void Track(string runId)
    {
        lock (_gate)
        {
            if (!_tracking.Add(runId))
            {
                return;
            }
        }

        // No task context may flow into the tracking continuation: publishes made from it are not children.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => FollowAsync(runId));
        }
    }

    private async Task FollowAsync(string runId)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                WorkflowRunEvent evt;
                try
                {
                    evt = await _mageflow.Client.Listener.WaitAsync(runId, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (HatchetRpcException e)
                {
                    LogTrackFailed(_mageflow.Log, runId, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token).ConfigureAwait(false);
                    continue;
                }

                var (ok, value) = Outcome(evt);
                var report = new FinishedReport(runId, ok ? "1" : "0", value);
                _finishedQueue.Writer.TryWrite(report);
                EnsureReporters();
                await report.Done.Task.ConfigureAwait(false);
                return;
            }
        }
        catch (Exception e) when (e is RedisException or HatchetRpcException or OperationCanceledException)
        {
            // The run stays recorded under this owner; the next sweep (here or after a takeover) retries it.
            LogTrackFailed(_mageflow.Log, runId, e.Message);
        }
        finally
        {
            lock (_gate)
            {
                _tracking.Remove(runId);
            }
        }
    }

    private void EnsureReporters()
    {
        if (_reporter is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_reporter is null)
            {
                using (ExecutionContext.SuppressFlow())
                {
                    _reporter = Task.Run(ReportLoopAsync);
                }
            }
        }
    }

    /// <summary>Records finished runs; completions that arrive together share one Lua call.</summary>
    private async Task ReportLoopAsync()
    {
        var reader = _finishedQueue.Reader;
        var batch = new List<FinishedReport>();
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var report))
                {
                    batch.Add(report);
                }

                var args = new List<RedisValue>((batch.Count * 3) + 1);
                args.Add(batch[0].RunId);
                args.Add(batch[0].Ok);
                args.Add(batch[0].Value);
                args.Add(Owner);
                foreach (var r in batch.Skip(1))
                {
                    args.Add(r.RunId);
                    args.Add(r.Ok);
                    args.Add(r.Value);
                }

                try
                {
                    var (_, result) = await Store.EvalWithPublishAsync("on_finished", [.. args]).ConfigureAwait(false);
                    var publish = new List<string>(result.Length);
                    foreach (var item in result)
                    {
                        if (item.StartsWith("error:", StringComparison.Ordinal))
                        {
                            // Corrupted state of one flow: reported, and no other flow is affected.
                            var parts = item.Split(':', 3);
                            LogCorrupted(_mageflow.Log, parts[1], parts.Length > 2 ? parts[2] : item);
                        }
                        else
                        {
                            publish.Add(item);
                        }
                    }

                    Enqueue(publish);
                    foreach (var r in batch)
                    {
                        r.Done.TrySetResult();
                    }
                }
                catch (Exception e) when (e is RedisException or HatchetRpcException)
                {
                    foreach (var r in batch)
                    {
                        r.Done.TrySetException(e);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
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
            catch (Exception e) when (e is RedisException or HatchetRpcException or TimeoutException)
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
        foreach (var run in taken)
        {
            Track((string)run!);
        }

        // Runs recorded under this owner that nothing follows (e.g. a follow failed on a Redis blip).
        var mine = await Store.Do(db => db.SetMembersAsync(Store.Prefix + ":owner:" + Owner + ":runs")).ConfigureAwait(false);
        foreach (var run in mine)
        {
            Track(run!);
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

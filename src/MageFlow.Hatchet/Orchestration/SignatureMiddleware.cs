using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Tasks;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>
/// Runs around every task on a MageFlow client's workers. Plain runs pass through untouched. Signature runs
/// (metadata <c>task_id</c>) are checked in Redis first (a suspended, interrupted or canceled signature does
/// not run), marked active, and their output is wrapped as <c>{"hatchet_results": …}</c> as Python MageFlow
/// does. When the task is the whole run, its end (a success, or a failure the engine will not retry) is
/// recorded at once, as Python MageFlow's wrapper does; the engine's run events (see <see cref="Tracker"/>)
/// remain the fallback, so completion also works for tasks in other languages and survives a lost worker.
/// </summary>
internal sealed class SignatureMiddleware(Mageflow mageflow) : ITaskMiddleware
{
    private readonly StartBatcher _starts = new(mageflow);
    private readonly EndBatcher _ends = new(mageflow);

    public async Task<string> InvokeAsync(TaskContext context, Func<Task<string>> next)
    {
        string? id = null;
        if (context.AdditionalMetadata.TryGetValue(HatchetClient.SignatureMetadataKey, out var value) &&
            value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } signatureId)
        {
            id = signatureId;
        }

        var root = context.Definition?.Owner is { } owner && owner.Features.TryGetValue(RootTaskExtensions.FeatureKey, out var cfg) ? (RootConfig)cfg : null;
        if (id is null && root is null)
        {
            return await next().ConfigureAwait(false);
        }

        if (id is not null)
        {
            string status;
            try
            {
                status = await _starts.StartAsync(id, context.WorkflowRunId).ConfigureAwait(false);
            }
            catch (RedisServerException e)
            {
                throw new NonRetryableException($"signature {id} has corrupted state in Redis and cannot start: {e.Message}", e);
            }

            if (status.StartsWith("corrupt:", StringComparison.Ordinal))
            {
                throw new NonRetryableException($"signature {id} has corrupted state in Redis and cannot start: {status[8..]}");
            }

            if (status == "missing")
            {
                throw new NonRetryableException($"signature {id} was deleted (its Redis record is gone); task '{context.TaskName}' does not run");
            }

            if (status != "ok")
            {
                return $"{{\"hatchet_results\":null,\"mageflow_skipped\":\"{status}\"}}";
            }
        }

        // When this task is the whole run (not a step of a DAG, whose run ends with its last task), its end is
        // recorded now rather than when the engine's event comes back to the run's tracker: the next swarm item or
        // chain step starts a round trip sooner. The engine's event still comes and changes nothing then; should
        // this report fail, that event records the end instead. A failure is reported only when the engine will
        // not retry it; a cancellation (or timeout) is always left to the engine.
        var wholeRun = id is not null && context.Definition is { IsWholeRun: true };
        string output;
        try
        {
            output = root is null ? await next().ConfigureAwait(false) : await RunRootAsync(context, id, root, next).ConfigureAwait(false);
        }
        catch (Exception e) when (wholeRun && context.FailsForGood(e) && !context.CancellationToken.IsCancellationRequested && !HatchetException.IsCanceledException(e))
        {
            _ends.Report(context.WorkflowRunId, id!, ok: false, Worker.HatchetWorker.FormatError(e));
            throw;
        }

        if (id is null)
        {
            return output;
        }

        // A body that returns after the engine cancelled it or timed it out has no say: the engine's event decides.
        if (wholeRun && !context.CancellationToken.IsCancellationRequested)
        {
            _ends.Report(context.WorkflowRunId, id, ok: true, output);
        }

        return "{\"hatchet_results\":" + output + "}";
    }

    private async Task<string> RunRootAsync(TaskContext context, string? signatureId, RootConfig config, Func<Task<string>> next)
    {
        // One swarm per root task run: a retry (same task run id) finds the same swarm and re-adds the same children.
        var swarmId = Mageflow.DerivedId(context.TaskRunExternalId + "#root-swarm");
        await mageflow.BeginRootAsync(swarmId, signatureId, "root-swarm:" + context.Definition!.Owner!.Name, config).ConfigureAwait(false);
        string output;
        var scope = new RootScope(mageflow, swarmId, context);
        using (MageflowScope.Enter(scope))
        {
            try
            {
                output = await next().ConfigureAwait(false);
                await scope.Buffer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (context.FailsForGood(e))
            {
                // Children published before the failure join the swarm first (queued ones are then canceled with it);
                // left in the buffer, their signatures would stay pending, never run and never expire soon.
                await scope.Buffer.FlushAsync(CancellationToken.None, throwOnError: false).ConfigureAwait(false);
                await mageflow.EndRootAsync(swarmId, returned: false, e.Message).ConfigureAwait(false);
                throw;
            }
        }

        await mageflow.EndRootAsync(swarmId, returned: true, string.Empty).ConfigureAwait(false);
        return output;
    }
}

/// <summary>Coalesces concurrent <c>sig_start</c> calls (one per signature run a worker begins) into one Lua call.</summary>
internal sealed class StartBatcher
{
    private readonly Mageflow _mageflow;
    private readonly Coalescer<(string Id, string RunId, TaskCompletionSource<string> Done)> _starts;

    public StartBatcher(Mageflow mageflow)
    {
        _mageflow = mageflow;
        _starts = new(StartManyAsync);
    }

    public Task<string> StartAsync(string id, string runId)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _starts.Post((id, runId, done));
        return done.Task;
    }

    private async Task StartManyAsync(List<(string Id, string RunId, TaskCompletionSource<string> Done)> batch)
    {
        try
        {
            var args = batch.SelectMany(b => new RedisValue[] { b.Id, b.RunId }).ToArray();
            var result = (RedisResult[])(await _mageflow.Store.EvalAsync("sig_start", args).ConfigureAwait(false))!;
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult((string)result[i]!);
            }
        }
        catch (Exception e)
        {
            // Whatever failed (Redis, a malformed reply), every start of the batch learns it; none is left waiting.
            foreach (var b in batch)
            {
                b.Done.TrySetException(e);
            }
        }
    }
}

/// <summary>Records the ends of signature runs reported by this worker; reports that arrive together share one Lua
/// call. Nothing waits for it: the task's result goes to the engine at once.</summary>
internal sealed partial class EndBatcher
{
    private readonly Mageflow _mageflow;
    private readonly Coalescer<(string RunId, string SignatureId, bool Ok, string Value)> _ends;

    public EndBatcher(Mageflow mageflow)
    {
        _mageflow = mageflow;
        _ends = new(RecordManyAsync);
    }

    public void Report(string runId, string signatureId, bool ok, string value) => _ends.Post((runId, signatureId, ok, value));

    private async Task RecordManyAsync(List<(string RunId, string SignatureId, bool Ok, string Value)> batch)
    {
        try
        {
            await _mageflow.Tracker.RecordEndsAsync("worker", batch).ConfigureAwait(false);
            _mageflow.Tracker.Forget(batch.Select(b => b.RunId));
        }
        catch (Exception e)
        {
            // Whatever failed, the engine's run events record these ends instead (through the runs' trackers).
            LogReportFailed(_mageflow.Log, batch.Count, e.Message);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(EventId = 3006, EventName = "WorkerReportFailed", Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "Recording the end of {Count} signature run(s) from this worker failed; the engine's run events record them instead: {Reason}")]
    private static partial void LogReportFailed(Microsoft.Extensions.Logging.ILogger logger, int count, string reason);
}

using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using MageFlow.Hatchet.Orchestration.Tracking;
using MageFlow.Hatchet.Tasks;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Execution;

/// <summary>
/// Runs around every task on a MageFlow client's workers. Plain runs pass through untouched. Signature runs
/// (metadata <c>task_id</c>) are checked in Redis first (a suspended, interrupted or canceled signature does
/// not run), marked active, and their output is wrapped as <c>{"hatchet_results": …}</c> as Python MageFlow
/// does. When the task is the whole run, its end (a success, or a failure the engine will not retry) is
/// recorded at once, as Python MageFlow's wrapper does; the engine's run events remain the fallback, so
/// completion also works for tasks in other languages and survives a lost worker.
/// </summary>
internal sealed class SignatureRunner(StartBatcher starts, EndBatcher ends, RootRunner roots)
{
    public async Task<string> RunAsync(TaskContext context, Func<Task<string>> next)
    {
        var id = SignatureIdOf(context);
        var root = RootTaskRegistry.Find(context.Workflow);
        if (id is not null)
        {
            var status = await StartAsync(context, id).ConfigureAwait(false);
            if (status == "foreign")
            {
                id = null; // the run only inherited a parent's signature id: it is a plain run
            }
            else if (status != "ok")
            {
                return "{\"hatchet_results\":null,\"mageflow_skipped\":\"" + status + "\"}";
            }
        }

        if (id is null && root is null)
        {
            return await next().ConfigureAwait(false);
        }

        // When this task is the whole run (not a step of a DAG, whose run ends with its last task), its end is
        // recorded now rather than when the engine's event comes back to the run's follower: the next swarm item or
        // chain step starts a round trip sooner. Should this report fail, the engine's event records the end instead.
        // A failure is reported only when the engine certainly will not retry it (FailsForGood: the worker cannot tell
        // the last application attempt); any other failure, and a cancellation or timeout, is left to the engine.
        var wholeRun = id is not null && context.IsWholeRun;
        string output;
        try
        {
            output = root is null ? await next().ConfigureAwait(false) : await roots.RunAsync(context, id, root, next).ConfigureAwait(false);
        }
        catch (Exception e) when (wholeRun && context.FailsForGood(e) && !context.CancellationToken.IsCancellationRequested && !HatchetException.IsCanceledException(e))
        {
            ends.Report(new OnFinishedScript.End(context.WorkflowRunId, id!, false, TaskErrorFormatter.Format(e)));
            throw;
        }

        if (id is null)
        {
            return output;
        }

        // A body that returns after the engine cancelled it or timed it out has no say: the engine's event decides.
        if (wholeRun && !context.CancellationToken.IsCancellationRequested)
        {
            ends.Report(new OnFinishedScript.End(context.WorkflowRunId, id, true, output));
        }

        return RunOutcomes.Wrap(output);
    }

    private static string? SignatureIdOf(TaskContext context) =>
        context.AdditionalMetadata.TryGetValue(Publisher.SignatureMetadataKey, out var value) &&
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } id
            ? id
            : null;

    private async Task<string> StartAsync(TaskContext context, string id)
    {
        string status;
        try
        {
            var input = context.Input.ValueKind == JsonValueKind.Undefined ? "{}" : context.Input.GetRawText();
            status = await starts.StartAsync(new StartScript.Start(id, context.WorkflowRunId, context.Workflow.WorkflowName, input)).ConfigureAwait(false);
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

        return status;
    }
}

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
/// does. Completion, callbacks and container bookkeeping follow from the engine's run events (see
/// <see cref="Tracker"/>), so they also work for tasks in other languages and survive a lost worker.
/// </summary>
internal sealed class SignatureMiddleware(Mageflow mageflow) : ITaskMiddleware
{
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
                status = (string)(await mageflow.Store.EvalAsync("sig_start", id, context.WorkflowRunId).ConfigureAwait(false))!;
            }
            catch (RedisServerException e)
            {
                throw new NonRetryableException($"signature {id} has corrupted state in Redis and cannot start: {e.Message}", e);
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

        var output = root is null ? await next().ConfigureAwait(false) : await RunRootAsync(context, id, root, next).ConfigureAwait(false);
        return id is null ? output : "{\"hatchet_results\":" + output + "}";
    }

    private async Task<string> RunRootAsync(TaskContext context, string? signatureId, RootConfig config, Func<Task<string>> next)
    {
        // One swarm per root task run: a retry (same task run id) finds the same swarm and re-adds the same children.
        var swarmId = Mageflow.DerivedId(context.TaskRunExternalId + "#root-swarm");
        await mageflow.BeginRootAsync(swarmId, signatureId, "root-swarm:" + context.Definition!.Owner!.Name, config).ConfigureAwait(false);
        string output;
        using (MageflowScope.Enter(new RootScope(mageflow, swarmId, context)))
        {
            try
            {
                output = await next().ConfigureAwait(false);
            }
            catch (Exception e) when (context.IsLastAttempt || e is NonRetryableException)
            {
                await mageflow.EndRootAsync(swarmId, returned: false, e.Message).ConfigureAwait(false);
                throw;
            }
        }

        await mageflow.EndRootAsync(swarmId, returned: true, string.Empty).ConfigureAwait(false);
        return output;
    }
}

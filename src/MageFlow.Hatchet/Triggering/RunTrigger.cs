using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Triggering;

/// <summary>
/// Sends resolved runs to the engine through the client's interceptors: one run with <c>TriggerWorkflow</c>, many
/// with <c>BulkTriggerWorkflow</c> calls split by count and by size, so that no call exceeds the engine's message
/// limit (as the official SDKs split them).
/// </summary>
internal sealed class RunTrigger(EngineConnection engine, InterceptorChain interceptors, RunsClient runs, Func<string, string?> outputTaskOf, int maxMessageSize)
{
    /// <summary>The most runs per bulk call.</summary>
    internal const int MaxBulkCount = 1000;

    /// <summary>Room left in a bulk call for the envelope and the engine's own framing.</summary>
    private const int Headroom = 64 * 1024;

    public Task<IReadOnlyList<WorkflowRunRef>> TriggerAsync(IReadOnlyList<TriggerRun> toStart, CancellationToken cancellationToken) =>
        toStart.Count == 0
            ? Task.FromResult<IReadOnlyList<WorkflowRunRef>>([])
            : interceptors.TriggerAsync(new TriggerInput(toStart, cancellationToken), SendAsync);

    private async Task<IReadOnlyList<WorkflowRunRef>> SendAsync(TriggerInput input)
    {
        var ct = input.CancellationToken;
        if (input.Runs.Count == 1)
        {
            var run = input.Runs[0];
            var request = TriggerRequests.ToProto(run);
            var response = await engine.CallAsync($"triggering '{run.WorkflowName}'", c => engine.Workflows.TriggerWorkflowAsync(request, cancellationToken: c).ResponseAsync, ct).ConfigureAwait(false);
            return [Ref(response.WorkflowRunId, run.WorkflowName)];
        }

        var refs = new List<WorkflowRunRef>(input.Runs.Count);
        var bulk = new BulkTriggerWorkflowRequest();
        var size = 0;
        var limit = Math.Max(maxMessageSize - Headroom, maxMessageSize / 2);
        for (var i = 0; i < input.Runs.Count; i++)
        {
            var request = TriggerRequests.ToProto(input.Runs[i]);
            var itemSize = TriggerRequests.SizeOf(request) + 8;
            if (bulk.Workflows.Count > 0 && (bulk.Workflows.Count >= MaxBulkCount || size + itemSize > limit))
            {
                await SendBulkAsync(bulk, input.Runs, refs, ct).ConfigureAwait(false);
                bulk = new BulkTriggerWorkflowRequest();
                size = 0;
            }

            bulk.Workflows.Add(request);
            size += itemSize;
        }

        await SendBulkAsync(bulk, input.Runs, refs, ct).ConfigureAwait(false);
        return refs;
    }

    private async Task SendBulkAsync(BulkTriggerWorkflowRequest bulk, IReadOnlyList<TriggerRun> all, List<WorkflowRunRef> refs, CancellationToken ct)
    {
        var first = refs.Count;
        var what = bulk.Workflows.Select(w => w.Name).Distinct().Count() == 1 ? $"bulk triggering '{bulk.Workflows[0].Name}'" : "bulk trigger";
        var response = await engine.CallAsync(what, c => engine.Workflows.BulkTriggerWorkflowAsync(bulk, cancellationToken: c).ResponseAsync, ct).ConfigureAwait(false);
        for (var i = 0; i < response.WorkflowRunIds.Count; i++)
        {
            refs.Add(Ref(response.WorkflowRunIds[i], all[first + i].WorkflowName));
        }
    }

    private WorkflowRunRef Ref(string runId, string workflowName) => new(runs, runId, workflowName, outputTaskOf(workflowName));
}

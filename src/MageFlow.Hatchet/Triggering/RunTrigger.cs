using System.Diagnostics;
using System.Text.Json;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Diagnostics;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Triggering;

/// <summary>
/// Sends resolved runs to the engine through the client's interceptors: one run with <c>TriggerWorkflow</c>, many
/// with <c>BulkTriggerWorkflow</c> calls split by count and by size, so that no call exceeds the engine's message
/// limit (as the official SDKs split them). Each call is a producer span (<c>hatchet.run_workflow</c>, or
/// <c>hatchet.run_workflows</c> for a bulk), and a run that carries no trace context yet gets the current one in its
/// metadata (<c>traceparent</c>), as the official instrumentors inject it, before the interceptors see it.
/// </summary>
internal sealed class RunTrigger(EngineConnection engine, InterceptorChain interceptors, RunsClient runs, Func<string, string?> outputTaskOf, int maxMessageSize)
{
    /// <summary>The most runs per bulk call.</summary>
    internal const int MaxBulkCount = 1000;

    /// <summary>Room left in a bulk call for the envelope and the engine's own framing.</summary>
    private const int Headroom = 64 * 1024;

    public async Task<IReadOnlyList<WorkflowRunRef>> TriggerAsync(IReadOnlyList<TriggerRun> toStart, CancellationToken cancellationToken)
    {
        if (toStart.Count == 0)
        {
            return [];
        }

        using var activity = StartSpan(toStart);
        if ((activity ?? Activity.Current) is { } parent)
        {
            toStart = WithTraceContext(toStart, parent);
        }

        try
        {
            var refs = await interceptors.TriggerAsync(new TriggerInput(toStart, cancellationToken), SendAsync).ConfigureAwait(false);
            HatchetTelemetry.RunsTriggered.Add(refs.Count);
            // An interceptor may have queued the run rather than started it (MageFlow's root tasks): no run id then.
            if (activity is { IsAllDataRequested: true } && refs.Count == 1 && refs[0].QueuedAs is null)
            {
                activity.SetTag("messaging.message.id", refs[0].RunId);
                activity.SetTag("hatchet.workflow_run_id", refs[0].RunId);
            }

            return refs;
        }
        catch (Exception e)
        {
            HatchetTelemetry.Fail(activity, e);
            throw;
        }
    }

    private static Activity? StartSpan(IReadOnlyList<TriggerRun> runs)
    {
        var first = runs[0];
        var single = runs.Count == 1;
        var activity = HatchetTelemetry.StartProducer(single ? HatchetTelemetry.TriggerSpan : HatchetTelemetry.BulkTriggerSpan, first.WorkflowName);
        if (activity is not { IsAllDataRequested: true })
        {
            return activity;
        }

        activity.SetTag("hatchet.workflow_name", first.WorkflowName);
        if (!single)
        {
            activity.SetTag("messaging.batch.message_count", runs.Count);
            activity.SetTag("hatchet.num_workflows", runs.Count);
        }
        else if (first.Parent is { } parent)
        {
            activity.SetTag("hatchet.parent_id", parent.WorkflowRunId);
            activity.SetTag("hatchet.parent_step_run_id", parent.TaskRunExternalId);
            activity.SetTag("hatchet.child_index", parent.ChildIndex);
            activity.SetTag("hatchet.child_key", first.ChildKey);
        }

        if (single && first.Priority is { } priority)
        {
            activity.SetTag("hatchet.priority", priority);
        }

        return activity;
    }

    /// <summary>Gives every run without a trace context the span's: a run that carries one (a caller's own, or one
    /// MageFlow kept with a signature) continues that trace instead.</summary>
    private static IReadOnlyList<TriggerRun> WithTraceContext(IReadOnlyList<TriggerRun> runs, Activity parent)
    {
        TriggerRun[]? changed = null;
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            if (TraceContextMetadata.HasTraceParent(run.AdditionalMetadata))
            {
                continue;
            }

            var metadata = new Dictionary<string, JsonElement>(run.AdditionalMetadata, StringComparer.Ordinal);
            TraceContextMetadata.Inject(metadata, parent);
            changed ??= [.. runs];
            changed[i] = run with { AdditionalMetadata = metadata };
        }

        return changed ?? runs;
    }

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

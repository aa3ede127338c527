using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.Diagnostics;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;
using MageFlow.Hatchet.Runs;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Triggering;

namespace MageFlow.Hatchet;

/// <summary>Triggering runs: by declaration (through the declarations' methods), by name, or fully resolved.</summary>
public sealed partial class HatchetClient
{
    /// <summary>Runs a workflow by name (for example one only a Python or TypeScript worker registers) and waits for its output.</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="workflowName">The workflow's name (namespace applied, lower-cased as the TypeScript SDK does).</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The output.</returns>
    /// <exception cref="TaskRunFailedException">The run failed or was cancelled.</exception>
    public async Task<TOut> RunAsync<TOut>(string workflowName, object? input, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = await RunNoWaitAsync(workflowName, input, options, cancellationToken).ConfigureAwait(false);
        return await run.ResultAsync<TOut>(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a workflow by name without waiting. Inside a running task, the run is its child.</summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Cancels the trigger.</param>
    /// <returns>The run's reference.</returns>
    public async Task<WorkflowRunRef> RunNoWaitAsync(string workflowName, object? input, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowName);
        var run = TriggerRunFactory.Create(EngineName(workflowName), Serialize(input), options, null);
        return (await _trigger.TriggerAsync([run], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// Starts runs exactly as described: nothing is inherited or defaulted, though the client's interceptors still see
    /// them, and a run without a <c>traceparent</c> in its metadata gets the current trace context (see
    /// <see cref="Diagnostics.TraceContextMetadata"/>). One run is started with one call, several with bulk calls split
    /// under the engine's message limit.
    /// </summary>
    /// <param name="runs">The runs.</param>
    /// <param name="cancellationToken">Cancels the trigger calls.</param>
    /// <returns>One reference per run, in order.</returns>
    /// <exception cref="HatchetRpcException">The engine refused a call (a bulk call fails as a whole).</exception>
    public Task<IReadOnlyList<WorkflowRunRef>> TriggerAsync(IReadOnlyList<TriggerRun> runs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return _trigger.TriggerAsync(runs, cancellationToken);
    }

    internal async Task<WorkflowRunRef> TriggerOneAsync(WorkflowDeclarationBase workflow, object? input, RunOptions? options, CancellationToken cancellationToken)
    {
        var run = TriggerRunFactory.Create(workflow.WorkflowName, Serialize(input), options, workflow.DefaultMetadata);
        return (await _trigger.TriggerAsync([run], cancellationToken).ConfigureAwait(false))[0];
    }

    internal Task<IReadOnlyList<WorkflowRunRef>> TriggerManyAsync(WorkflowDeclarationBase workflow, IEnumerable<object?> inputs, RunOptions? options, CancellationToken cancellationToken)
    {
        var runs = inputs.Select(i => TriggerRunFactory.Create(workflow.WorkflowName, Serialize(i), options, workflow.DefaultMetadata)).ToList();
        return _trigger.TriggerAsync(runs, cancellationToken);
    }

    internal async Task<string> ScheduleAsync(WorkflowDeclarationBase workflow, DateTimeOffset at, object? input, RunOptions? options, CancellationToken cancellationToken)
    {
        using var activity = HatchetTelemetry.StartProducer(HatchetTelemetry.ScheduleSpan, workflow.WorkflowName);
        activity?.SetTag("hatchet.workflow_name", workflow.WorkflowName);
        var run = TriggerRunFactory.Create(workflow.WorkflowName, Serialize(input), options, workflow.DefaultMetadata);
        if ((activity ?? System.Diagnostics.Activity.Current) is { } parent && !TraceContextMetadata.HasTraceParent(run.AdditionalMetadata))
        {
            var metadata = new Dictionary<string, JsonElement>(run.AdditionalMetadata, StringComparer.Ordinal);
            TraceContextMetadata.Inject(metadata, parent);
            run = run with { AdditionalMetadata = metadata };
        }

        var trigger = TriggerRequests.ToProto(run);
        var request = new ScheduleWorkflowRequest { Name = trigger.Name, Input = trigger.Input, AdditionalMetadata = trigger.AdditionalMetadata };
        if (trigger.HasPriority)
        {
            request.Priority = trigger.Priority;
        }

        request.Schedules.Add(Timestamp.FromDateTimeOffset(at));
        var response = await Connection.CallAsync($"scheduling '{workflow.WorkflowName}'", ct => Connection.Workflows.ScheduleWorkflowAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.ScheduledWorkflows.Count > 0 ? response.ScheduledWorkflows[0].Id : response.Id;
    }

    private string EngineName(string workflowName) => (Namespace + workflowName).ToLowerInvariant();

    private string Serialize(object? input) =>
        input is null ? "{}" : JsonSerializer.Serialize(input, input.GetType(), Options.JsonSerializerOptions);
}

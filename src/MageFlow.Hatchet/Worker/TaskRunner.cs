using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MageFlow.Hatchet.Diagnostics;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Worker;

/// <summary>
/// Runs the actions the engine assigns: each task run within the worker's slots, through the client's interceptors,
/// reporting its start and its end; a cancel from the engine cancels the run's token.
/// </summary>
internal sealed class TaskRunner(
    IReadOnlyDictionary<string, TaskDefinition> actions,
    InterceptorChain interceptors,
    StepEventReporter reporter,
    ITaskRunServices services,
    int maxMessageSize,
    string workerName,
    ILogger log,
    CancellationToken abort)
{
    private readonly ConcurrentDictionary<string, RunningTask> _running = new(StringComparer.Ordinal);

    public int RunningCount => _running.Count;

    /// <summary>Completes when every task running now has finished.</summary>
    public Task Drained => Task.WhenAll(_running.Values.Select(r => r.Completion));

    public void Dispatch(AssignedAction action)
    {
        var key = action.TaskRunExternalId + "/" + action.RetryCount.ToString(CultureInfo.InvariantCulture);
        switch (action.ActionType)
        {
            case ActionType.CancelStepRun:
                if (_running.TryGetValue(key, out var run))
                {
                    run.CancelledByEngine = true;
                    run.Cancellation.Cancel();
                }

                return;
            case ActionType.StartStepRun:
                if (!actions.TryGetValue(action.ActionId, out var definition))
                {
                    HatchetLog.UnknownAction(log, workerName, action.ActionId);
                    _ = reporter.ReportAsync(action, StepActionEventType.StepEventTypeFailed, $"worker '{workerName}' does not serve action '{action.ActionId}'", shouldNotRetry: false);
                    return;
                }

                var cts = CancellationTokenSource.CreateLinkedTokenSource(abort);
                var running = new RunningTask(cts);
                if (!_running.TryAdd(key, running))
                {
                    cts.Dispose();
                    return; // delivered twice (after a reconnect): it is already running here
                }

                running.Completion = Task.Run(() => ExecuteAsync(action, definition, key, running));
                return;
            default:
                HatchetLog.UnknownAction(log, workerName, action.ActionType.ToString());
                return;
        }
    }

    private async Task ExecuteAsync(AssignedAction action, TaskDefinition definition, string key, RunningTask running)
    {
        // The listener's flow is nobody's parent: a run continues the trace its metadata names, or starts one.
        Activity.Current = null;
        var startedAt = Stopwatch.GetTimestamp();
        var actionTag = new KeyValuePair<string, object?>("hatchet.action_name", action.ActionId);
        var workerTag = new KeyValuePair<string, object?>("hatchet.worker_name", workerName);
        HatchetTelemetry.RunsStarted.Add(1, actionTag);
        HatchetTelemetry.SlotsUsed.Add(1, workerTag);
        Activity? activity = null;
        var outcome = "cancelled";
        var started = Task.CompletedTask;
        try
        {
            // Not awaited, so the handler starts at once; the final report waits for it, or a fast task's
            // STARTED could reach the engine after its COMPLETED (a stale report) and the order would be lost.
            started = reporter.ReportAsync(action, StepActionEventType.StepEventTypeStarted, string.Empty, false);
            string output;
            try
            {
                var metadata = ParseMetadata(action);
                activity = StartRunSpan(action, definition, metadata, services.WorkerId);

                // The document lives as long as the handler, so the context reads it without a copy.
                using var payload = JsonDocument.Parse(string.IsNullOrEmpty(action.ActionPayload) ? "{}" : action.ActionPayload);
                var context = definition.IsDurable
                    ? new DurableContext(action, definition, payload.RootElement, metadata, services, running.Cancellation.Token)
                    : new TaskContext(action, definition, payload.RootElement, metadata, services, running.Cancellation.Token);
                using (TaskContext.Enter(context))
                {
                    output = await interceptors.ExecuteTaskAsync(new TaskExecutionInput(context), x => definition.Invoke(x.Context, services.Json)).ConfigureAwait(false);
                }

                TaskOutputRules.Check(definition, output, maxMessageSize);
            }
            catch (JsonException e)
            {
                throw new NonRetryableException($"the engine sent a malformed action payload for '{action.ActionId}': {e.Message}", e);
            }

            if (running.CancelledByEngine)
            {
                return; // the engine cancelled this attempt; it expects no report
            }

            await started.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await reporter.ReportAsync(action, StepActionEventType.StepEventTypeCompleted, output, false).ConfigureAwait(false);
            outcome = "completed";
            activity?.SetStatus(ActivityStatusCode.Ok);
        }
        catch (Exception e) when (running.CancelledByEngine || (abort.IsCancellationRequested && HatchetException.IsCanceledException(e)))
        {
            // Cancelled by the engine, or by a hard stop: no report (the engine reassigns or has already failed it).
        }
        catch (Exception e)
        {
            outcome = "failed";
            HatchetTelemetry.Fail(activity, e);
            if (e is InputBindingException binding)
            {
                // Loud: a caller (often a MageFlow callback's producer) sent data of another shape; retrying cannot help.
                HatchetLog.InputBindingFailed(log, action.ActionId, action.TaskRunExternalId, binding.Field, binding.ExpectedShape, binding.ExpectedType, binding.ActualShape);
            }
            else
            {
                HatchetLog.TaskFailed(log, action.ActionId, action.TaskRunExternalId, action.RetryCount, e);
            }

            await started.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await reporter.ReportAsync(action, StepActionEventType.StepEventTypeFailed, TaskErrorFormatter.Format(e), e is NonRetryableException).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(key, out _);
            running.Cancellation.Dispose();
            activity?.Dispose();
            HatchetTelemetry.SlotsUsed.Add(-1, workerTag);
            RecordEnd(outcome, actionTag, startedAt);
        }
    }

    private static void RecordEnd(string outcome, KeyValuePair<string, object?> actionTag, long startedAt)
    {
        if (outcome == "completed")
        {
            HatchetTelemetry.RunsCompleted.Add(1, actionTag);
        }
        else if (outcome == "failed")
        {
            HatchetTelemetry.RunsFailed.Add(1, actionTag);
        }

        if (HatchetTelemetry.RunDuration.Enabled)
        {
            HatchetTelemetry.RunDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, actionTag, new KeyValuePair<string, object?>("hatchet.outcome", outcome));
        }
    }

    /// <summary>Starts the run's consumer span, a child of the span whose trace context the trigger put in the metadata
    /// (as the official instrumentors' <c>hatchet.start_step_run</c> spans are), with their <c>hatchet.*</c> attributes.
    /// The payload is never recorded: it may hold secrets.</summary>
    private static Activity? StartRunSpan(AssignedAction action, TaskDefinition definition, IReadOnlyDictionary<string, JsonElement> metadata, string? workerId)
    {
        if (!HatchetTelemetry.Source.HasListeners())
        {
            return null;
        }

        TraceContextMetadata.TryExtract(metadata, out var parent);
        var activity = HatchetTelemetry.Source.StartActivity(HatchetTelemetry.TaskRunSpan, ActivityKind.Consumer, parent);
        if (activity is not { IsAllDataRequested: true })
        {
            return activity;
        }

        var workflow = definition.Owner.WorkflowName;
        activity.SetTag("messaging.system", "hatchet");
        activity.SetTag("messaging.operation.type", "process");
        activity.SetTag("messaging.destination.name", workflow);
        activity.SetTag("messaging.message.id", action.TaskRunExternalId);
        activity.SetTag("hatchet.tenant_id", action.TenantId);
        activity.SetTag("hatchet.worker_id", workerId);
        activity.SetTag("hatchet.workflow_run_id", action.WorkflowRunId);
        activity.SetTag("hatchet.step_id", action.TaskId);
        activity.SetTag("hatchet.step_run_id", action.TaskRunExternalId);
        activity.SetTag("hatchet.retry_count", action.RetryCount);
        activity.SetTag("hatchet.workflow_name", workflow);
        activity.SetTag("hatchet.action_name", action.ActionId);
        activity.SetTag("hatchet.step_name", action.TaskName);
        if (action.HasParentWorkflowRunId)
        {
            activity.SetTag("hatchet.parent_workflow_run_id", action.ParentWorkflowRunId);
        }

        if (action.HasChildWorkflowIndex)
        {
            activity.SetTag("hatchet.child_workflow_index", action.ChildWorkflowIndex);
        }

        if (action.HasChildWorkflowKey)
        {
            activity.SetTag("hatchet.child_workflow_key", action.ChildWorkflowKey);
        }

        if (action.HasWorkflowId)
        {
            activity.SetTag("hatchet.workflow_id", action.WorkflowId);
        }

        if (action.HasWorkflowVersionId)
        {
            activity.SetTag("hatchet.workflow_version_id", action.WorkflowVersionId);
        }

        return activity;
    }

    private static Dictionary<string, JsonElement> ParseMetadata(AssignedAction action)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!action.HasAdditionalMetadata || string.IsNullOrWhiteSpace(action.AdditionalMetadata))
        {
            return result;
        }

        using var doc = JsonDocument.Parse(action.AdditionalMetadata);
        if (doc.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                result[p.Name] = p.Value.Clone();
            }
        }

        return result;
    }

    private sealed class RunningTask(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Completion { get; set; } = Task.CompletedTask;

        public volatile bool CancelledByEngine;
    }
}

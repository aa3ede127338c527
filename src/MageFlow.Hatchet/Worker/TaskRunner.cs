using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
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
        var started = Task.CompletedTask;
        try
        {
            // Not awaited, so the handler starts at once; the final report waits for it, or a fast task's
            // STARTED could reach the engine after its COMPLETED (a stale report) and the order would be lost.
            started = reporter.ReportAsync(action, StepActionEventType.StepEventTypeStarted, string.Empty, false);
            string output;
            try
            {
                // The document lives as long as the handler, so the context reads it without a copy.
                using var payload = JsonDocument.Parse(string.IsNullOrEmpty(action.ActionPayload) ? "{}" : action.ActionPayload);
                var context = definition.IsDurable
                    ? new DurableContext(action, definition, payload.RootElement, ParseMetadata(action), services, running.Cancellation.Token)
                    : new TaskContext(action, definition, payload.RootElement, ParseMetadata(action), services, running.Cancellation.Token);
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
        }
        catch (Exception e) when (running.CancelledByEngine || (abort.IsCancellationRequested && HatchetException.IsCanceledException(e)))
        {
            // Cancelled by the engine, or by a hard stop: no report (the engine reassigns or has already failed it).
        }
        catch (Exception e)
        {
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
        }
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

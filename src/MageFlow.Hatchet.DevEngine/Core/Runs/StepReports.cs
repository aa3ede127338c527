using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Scheduling;
using MageFlow.Hatchet.DevEngine.Core.Workers;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// What workers report about the tasks they run: step events (started, completed, failed, cancelled),
/// timeout refreshes and early slot releases. Reports about an attempt that is already settled are counted and ignored.
/// </summary>
internal sealed class StepReports(WorkerRegistry workers, RunStore runs, RunLifecycle lifecycle, Scheduler scheduler, EngineCounters counters, TimeProvider time)
{
    /// <summary>Checks the parts of a report that need no engine state. Runs outside the lock.</summary>
    /// <param name="report">The report.</param>
    public static void Validate(in StepReport report)
    {
        if (string.IsNullOrEmpty(report.TaskRunExternalId))
        {
            throw EngineErrors.Invalid("task_run_external_id must not be empty");
        }
    }

    /// <summary>Applies a step event.</summary>
    /// <param name="report">The report.</param>
    public void Handle(in StepReport report)
    {
        if (string.IsNullOrEmpty(report.WorkerId) || !workers.IsKnown(report.WorkerId))
        {
            throw EngineErrors.NotFound($"step event from unknown worker '{report.WorkerId}'");
        }

        if (!runs.TryGetTask(report.TaskRunExternalId, out var task))
        {
            throw EngineErrors.NotFound($"task run '{report.TaskRunExternalId}' does not exist");
        }

        // Hatchet settles only the attempt that still runs (ReleaseTasks in pkg/repository/sqlcv1/tasks-overwrite.go): a
        // report about an earlier attempt (one taken back from a silent worker, say), or about an attempt that no worker
        // holds any more, changes nothing. A report without retry_count speaks of the current attempt.
        var settlesAttempt = report.Kind is StepReportKind.Completed or StepReportKind.Failed;
        if (task.IsFinal ||
            (report.RetryCount is { } retryCount && retryCount != task.RetryCount) ||
            (settlesAttempt && task.State != TaskState.Running))
        {
            counters.StaleEvent();
            return;
        }

        switch (report.Kind)
        {
            case StepReportKind.Started:
                if (task.State == TaskState.Running)
                {
                    task.Started = true;
                }

                break;
            case StepReportKind.Completed:
                var payload = string.IsNullOrEmpty(report.Payload) ? "{}" : report.Payload;
                if (!JsonInput.IsJson(payload))
                {
                    lifecycle.FailAttempt(task, "the task's output is not valid JSON (or contains \\u0000)", shouldNotRetry: false);
                }
                else
                {
                    lifecycle.Complete(task, payload);
                }

                break;
            case StepReportKind.Failed:
                var error = string.IsNullOrEmpty(report.Payload) ? "task failed" : report.Payload.Replace("\u0000", string.Empty, StringComparison.Ordinal);
                lifecycle.FailAttempt(task, error, report.ShouldNotRetry);
                break;
            case StepReportKind.Cancelled:
                lifecycle.CancelTask(task, "cancelled by the worker");
                break;
            case StepReportKind.Acknowledged:
                break;
            default:
                throw EngineErrors.Invalid($"unsupported step event type {report.WireType}");
        }
    }

    /// <summary>Extends the running attempt's execution timeout.</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="by">How much longer it may run.</param>
    /// <returns>The new timeout.</returns>
    public DateTimeOffset RefreshTimeout(string taskId, TimeSpan by)
    {
        var task = runs.GetTask(taskId);
        if (task.State != TaskState.Running)
        {
            throw EngineErrors.FailedPrecondition($"task run '{taskId}' is not running");
        }

        task.TimeoutAt = (task.TimeoutAt ?? time.GetUtcNow()) + by;
        return task.TimeoutAt.Value;
    }

    /// <summary>Gives a running task's slots back early; the task keeps running.</summary>
    /// <param name="taskId">The task run's external id.</param>
    public void ReleaseSlot(string taskId) => scheduler.ReleaseSlot(runs.GetTask(taskId));
}

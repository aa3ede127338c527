using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Scheduling;
using MageFlow.Hatchet.DevEngine.Core.Workers;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core.Timers;

/// <summary>
/// Everything that happens because time passed, checked on every tick (the host ticks every 50 ms):
/// reassignment of the tasks of silent workers, execution and schedule timeouts, ends of retry backoff, and due
/// scheduled runs and crons. (A worker silent past the shorter heartbeat timeout is merely skipped by the scheduler.)
/// </summary>
internal sealed class EngineTimers(
    WorkerRegistry workers,
    RunLifecycle lifecycle,
    RunFactory factory,
    TaskDeadlines deadlines,
    ScheduledRuns scheduled,
    CronSchedules crons,
    Matching.PendingMatches pending,
    Matching.MatchOutcomes outcomes,
    TimeSpan reassignTimeout,
    TimeProvider time,
    ILogger log)
{
    /// <summary>Fires whatever is due.</summary>
    public void Tick()
    {
        var now = time.GetUtcNow();
        ReassignTasksOfSilentWorkers(now);
        FireTaskDeadlines(now);
        StartDueScheduledRuns(now);
        StartDueCronRuns(now);
        outcomes.Apply(pending.Tick(now));
    }

    private void StartDueCronRuns(DateTimeOffset now)
    {
        var due = crons.TakeDue(now);
        if (due is null)
        {
            return;
        }

        foreach (var request in due)
        {
            try
            {
                factory.Create(factory.Prepare(request), null, null);
            }
            catch (RpcException e)
            {
                // Hatchet's ticker logs a cron run that cannot start and keeps the cron.
                Log.CronFailed(log, request.WorkflowName, e.Status.Detail);
            }
        }
    }

    /// <summary>
    /// Hatchet takes running tasks back from a worker whose last heartbeat is older than 30 s (<c>ListTasksToReassign</c>
    /// in pkg/repository/sqlcv1/tasks.sql) and retries them as internal failures, so each move is a new attempt.
    /// </summary>
    private void ReassignTasksOfSilentWorkers(DateTimeOffset now)
    {
        foreach (var worker in workers.All)
        {
            if (worker.Running.Count > 0 && now - worker.LastHeartbeat > reassignTimeout)
            {
                Log.WorkerLapsed(log, worker.Name, worker.Id, worker.Running.Count);
                foreach (var task in worker.Running.ToArray())
                {
                    lifecycle.RetryInternally(task, InternalFailure.ReassignLimitReached);
                }
            }
        }
    }

    private void FireTaskDeadlines(DateTimeOffset now)
    {
        var due = deadlines.CollectDue(now);
        if (due is null)
        {
            return;
        }

        foreach (var task in due)
        {
            // Re-checked: handling one task can settle or move another collected with it.
            switch (task.State)
            {
                case TaskState.Running when task.TimeoutAt <= now:
                    Scheduler.SendCancel(task);
                    lifecycle.FailAttempt(task, $"Task exceeded its execution timeout of {task.Def.Timeout.TotalSeconds:0.###}s", shouldNotRetry: false);
                    break;
                case TaskState.Queued or TaskState.ConcurrencyWait when task.ScheduleDeadline <= now:
                    lifecycle.CancelTask(task, SchedulingTimeout.ErrorFor(task));
                    break;
                case TaskState.RetryWait when task.RetryAt <= now:
                    lifecycle.Enqueue(task);
                    break;
            }
        }
    }

    private void StartDueScheduledRuns(DateTimeOffset now)
    {
        var due = scheduled.TakeDue(now);
        if (due is null)
        {
            return;
        }

        foreach (var s in due)
        {
            try
            {
                scheduled.MarkFired(s, factory.Create(factory.Prepare(s.Request), null, null).Id);
            }
            catch (RpcException e)
            {
                // The workflow may have changed since the run was scheduled; the schedule is dropped and logged.
                Log.ScheduleFailed(log, s.Request.WorkflowName, e);
            }
        }
    }
}

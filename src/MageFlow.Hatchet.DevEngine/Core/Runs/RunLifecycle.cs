using MageFlow.Hatchet.DevEngine.Core.Concurrency;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Scheduling;
using MageFlow.Hatchet.DevEngine.Core.Subscriptions;
using MageFlow.Hatchet.DevEngine.Core.Timers;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// The state machine of runs and task runs: admission, readiness along the DAG, completion, failure with
/// retries and backoff, cancellation, and the end of a run (on-failure task, final status, results).
/// Placement on workers is the scheduler's; this class decides what happens to a task, not where it runs.
/// Cancellation is in RunLifecycle.Cancellation.cs.
/// </summary>
internal sealed partial class RunLifecycle(
    Scheduler scheduler,
    RunStore runs,
    RunSubscriptions subscriptions,
    RunEventFeed feed,
    TaskDeadlines deadlines,
    Matching.PendingMatches pending,
    Durable.DurableEventLogs durableLogs,
    EngineCounters counters,
    TimeProvider time,
    ILogger log) : IAdmissionCallbacks
{
    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Lets a new run in: it starts unless a workflow-level concurrency group makes it wait (or cancels it).</summary>
    /// <param name="run">The new run.</param>
    public void Admit(WorkflowRun run)
    {
        if (run.Def.Concurrency.Count == 0 || ConcurrencyAdmission.TryAdmit(run, this))
        {
            StartRun(run);
            return;
        }

        if (run.WaitingOn is not null)
        {
            // In Hatchet the run's first tasks hold the places in the workflow's concurrency queue, each with its own
            // schedule timeout: they wait here, and time out here.
            foreach (var task in run.Tasks)
            {
                if (task.Def.Parents.Count == 0 && task.State == TaskState.Waiting)
                {
                    WaitForConcurrencySlot(task);
                }
            }
        }
    }

    /// <summary>A task whose parents are done: it passes task-level concurrency, then is queued.</summary>
    /// <param name="task">The task run.</param>
    public void MakeReady(TaskRun task)
    {
        // Hatchet creates a DAG's task when its parents are done and reports the creation as STARTED.
        Publish(task, RunEventKind.TaskStarted, string.Empty, task.InsertedAt);
        if (task.Def.Conditions.Count > 0 && !StartConditions(task))
        {
            return;
        }

        PassConcurrency(task);
    }

    /// <summary>A task's conditions decided: queue it (<c>wait_for</c>), skip it (it completes with
    /// <c>{"skipped": true}</c>, as Hatchet records a skipped task, and its children go on) or cancel it.</summary>
    /// <param name="task">The task run.</param>
    /// <param name="match">Its decided match.</param>
    public void ApplyConditions(TaskRun task, Matching.ConditionMatch match)
    {
        if (task.State != TaskState.Waiting || !ReferenceEquals(task.ConditionMatch, match))
        {
            return;
        }

        task.ConditionMatch = null;
        switch (match.Decided)
        {
            case Matching.MatchAction.Skip:
                Complete(task, "{\"skipped\":true}");
                break;
            case Matching.MatchAction.Cancel:
                CancelTask(task, "the task's cancel_if condition was met");
                break;
            default:
                PassConcurrency(task);
                break;
        }
    }

    /// <summary>Starts a ready task's conditions. A task with only skip/cancel conditions that do not hold now runs at
    /// once; one with <c>wait_for</c> waits for its decision.</summary>
    /// <returns>Whether the task goes on to its queue now.</returns>
    private bool StartConditions(TaskRun task)
    {
        var match = new Matching.ConditionMatch(task, Matching.ConditionParser.Start(task.Def.Conditions, Now));
        var tasks = task.Run.Tasks;
        Matching.PendingMatches.ApplyParentOutputs(match, name => task.Def.Parents.FirstOrDefault(p => p.ReadableId == name) is { } p ? tasks[p.Index].Output : null);
        task.ConditionMatch = match;
        if (pending.Add(match, Now))
        {
            ApplyConditions(task, match);
            return false;
        }

        if (match.Has(Matching.MatchAction.Queue))
        {
            return false;
        }

        pending.Remove(match);
        task.ConditionMatch = null;
        return true;
    }

    private void PassConcurrency(TaskRun task)
    {
        if (task.Def.Concurrency.Count == 0)
        {
            Enqueue(task);
            return;
        }

        WaitForConcurrencySlot(task);
        if (ConcurrencyAdmission.TryAdmit(task, this))
        {
            Enqueue(task);
        }
    }

    /// <summary>Queues a task run for a worker, watching its deadlines.</summary>
    /// <param name="task">The task run.</param>
    public void Enqueue(TaskRun task)
    {
        deadlines.Track(task);
        scheduler.Enqueue(task);
    }

    /// <summary>
    /// Takes a task from a worker that will not run it (silent, or never got the action) and queues it again as a new
    /// attempt, on the internal retry budget; once that is spent the task fails for good (see <see cref="InternalFailure"/>).
    /// The worker is not told: its later report names the old attempt and is ignored.
    /// </summary>
    /// <param name="task">The task run.</param>
    /// <param name="errorWhenSpent">The error recorded when no internal retry is left.</param>
    public void RetryInternally(TaskRun task, string errorWhenSpent)
    {
        Scheduler.Dequeue(task);
        scheduler.Release(task);
        if (task.InternalRetryCount >= InternalFailure.MaxRetries)
        {
            FailForGood(task, errorWhenSpent);
            return;
        }

        task.RetryCount++;
        task.InternalRetryCount++;
        Enqueue(task);
    }

    /// <summary>A task completed: record its output, ready its children, and finish the run if it is done.</summary>
    /// <param name="task">The task run.</param>
    /// <param name="output">The output JSON.</param>
    public void Complete(TaskRun task, string output)
    {
        task.CompletedOnWorkerId = task.Worker?.Id;
        scheduler.Release(task);
        task.State = TaskState.Completed;
        task.Output = output;
        task.FinishedAt = Now;
        counters.TaskCompleted();
        Settle(task);
        Publish(task, RunEventKind.TaskCompleted, output, Now);
        var tasks = task.Run.Tasks;
        foreach (var child in task.Def.Children)
        {
            var childRun = tasks[child.Index];
            if (childRun.State == TaskState.Waiting && AllParentsCompleted(tasks, child))
            {
                MakeReady(childRun);
            }
        }

        CheckRunDone(task.Run);
    }

    /// <summary>
    /// An attempt failed in the app (an error, an output the engine refuses, an execution timeout): retry it (at once or
    /// after its backoff) while the app retry count is below the task's retries, or fail the task for good.
    /// </summary>
    /// <param name="task">The task run.</param>
    /// <param name="error">The error.</param>
    /// <param name="shouldNotRetry">Whether retries are ruled out.</param>
    public void FailAttempt(TaskRun task, string error, bool shouldNotRetry)
    {
        Scheduler.Dequeue(task);
        scheduler.Release(task);
        if (!shouldNotRetry && task.AppRetryCount < task.Def.Retries)
        {
            // Hatchet reports every failed attempt, with the retry count of that attempt.
            Publish(task, RunEventKind.TaskFailed, error, Now);
            task.RetryCount++;
            task.AppRetryCount++;
            task.Error = error;
            var delay = RetryBackoff.Delay(task.Def, task.AppRetryCount);
            if (delay <= TimeSpan.Zero)
            {
                Enqueue(task);
            }
            else
            {
                task.State = TaskState.RetryWait;
                task.RetryAt = Now + delay;
            }

            return;
        }

        FailForGood(task, error);
    }

    /// <summary>Fails a task with no retry left: the tasks downstream of it will not run, and the run's on-failure task starts now.</summary>
    private void FailForGood(TaskRun task, string error)
    {
        task.State = TaskState.Failed;
        task.Error = error;
        task.FinishedAt = Now;
        counters.TaskFailed();
        Settle(task);
        Publish(task, RunEventKind.TaskFailed, error, Now);
        CancelDescendants(task, $"not run: parent task '{task.Def.ReadableId}' failed");
        if (OnFailureTasks.CreateFor(task, Now) is { } onFailure)
        {
            runs.AddTask(onFailure);
            MakeReady(onFailure);
        }

        CheckRunDone(task.Run);
    }

    /// <inheritdoc/>
    void IAdmissionCallbacks.Evict(ConcurrencyHolder holder, string reason)
    {
        switch (holder)
        {
            case WorkflowRun run:
                CancelRun(run, reason);
                break;
            case TaskRun task:
                CancelTask(task, reason);
                break;
        }
    }

    /// <inheritdoc/>
    bool IAdmissionCallbacks.StillWaiting(ConcurrencyHolder waiter) => waiter switch
    {
        WorkflowRun run => !run.Finalized,
        TaskRun task => task.State == TaskState.ConcurrencyWait,
        _ => false,
    };

    /// <inheritdoc/>
    void IAdmissionCallbacks.Admitted(ConcurrencyHolder waiter)
    {
        switch (waiter)
        {
            case WorkflowRun run:
                StartRun(run);
                break;
            case TaskRun task:
                Enqueue(task);
                break;
        }
    }

    /// <summary>Tells whether every parent of a task completed (O(parents): parents are resolved to run indexes).</summary>
    /// <param name="tasks">The run's task runs.</param>
    /// <param name="def">The task.</param>
    /// <returns><see langword="true"/> when the task may run.</returns>
    internal static bool AllParentsCompleted(TaskRun[] tasks, TaskDef def)
    {
        foreach (var parent in def.Parents)
        {
            if (tasks[parent.Index].State != TaskState.Completed)
            {
                return false;
            }
        }

        return true;
    }

    private void StartRun(WorkflowRun run)
    {
        if (run.Finalized || run.Admitted)
        {
            return;
        }

        run.Admitted = true;
        foreach (var task in run.Tasks)
        {
            // A first task may have timed out while the run waited for its slot.
            if (task.Def.Parents.Count == 0 && task.State is TaskState.Waiting or TaskState.ConcurrencyWait)
            {
                MakeReady(task);
            }
        }
    }

    /// <summary>A task starts waiting for a concurrency slot, with the whole schedule timeout for the wait.</summary>
    private void WaitForConcurrencySlot(TaskRun task)
    {
        task.State = TaskState.ConcurrencyWait;
        task.ScheduleDeadline = Now + task.Def.ScheduleTimeout;
        deadlines.Track(task);
    }

    /// <summary>Common clean-up when a task reaches a final state.</summary>
    private void Settle(TaskRun task)
    {
        deadlines.Untrack(task);
        DropWaits(task);
        task.TimeoutAt = null;
        task.RetryAt = null;
        task.ScheduleDeadline = null;
        ConcurrencyAdmission.Release(task, this);
    }

    /// <summary>Once every task, the on-failure task included, is final: finish the run and publish its results.</summary>
    private void CheckRunDone(WorkflowRun run)
    {
        if (run.Finalized)
        {
            return;
        }

        var failed = 0;
        var cancelled = false;
        foreach (var t in run.Tasks)
        {
            if (!t.IsFinal)
            {
                return;
            }

            failed += t.State == TaskState.Failed ? 1 : 0;
            cancelled |= t.State == TaskState.Cancelled;
        }

        if (run.OnFailureTask is { IsFinal: false })
        {
            return;
        }

        run.Finalized = true;
        run.FinishedAt = Now;
        run.Status = failed > 0 ? ExecutionStatus.Failed : cancelled ? ExecutionStatus.Cancelled : ExecutionStatus.Completed;
        ConcurrencyAdmission.Release(run, this);
        durableLogs.RunFinished(run);
        Log.RunFinished(log, run.Def.Name, run.Id, run.Status.ToString());
        subscriptions.PublishFinished(run);
        if (feed.Watches(run))
        {
            var kind = run.Status switch
            {
                ExecutionStatus.Failed => RunEventKind.RunFailed,
                ExecutionStatus.Cancelled => RunEventKind.RunCancelled,
                _ => RunEventKind.RunCompleted,
            };
            feed.Publish(run, new RunEvent(run.Id, kind, run.Id, Now, string.Empty, null, null));
        }

        runs.RetainFinished(run);
    }

    /// <summary>Publishes a task run's event to the event streams following its run (none is made when nobody follows).</summary>
    private void Publish(TaskRun task, RunEventKind kind, string payload, DateTimeOffset at)
    {
        if (feed.Watches(task.Run))
        {
            feed.Publish(task.Run, new RunEvent(task.Run.Id, kind, task.ExternalId, at, payload, task.RetryCount, null));
        }
    }
}

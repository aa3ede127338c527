using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Scheduling;
using MageFlow.Hatchet.DevEngine.Core.Subscriptions;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>Cancelling task runs and runs: the worker is told, waits are dropped, and the tasks downstream are cancelled
/// before they start.</summary>
internal sealed partial class RunLifecycle
{
    /// <summary>Cancels a task run (telling its worker), and the tasks downstream of it.</summary>
    /// <param name="task">The task run (no-op when final).</param>
    /// <param name="reason">The error recorded.</param>
    public void CancelTask(TaskRun task, string reason)
    {
        if (task.IsFinal)
        {
            return;
        }

        Scheduler.Dequeue(task);
        if (task.State == TaskState.Running)
        {
            Scheduler.SendCancel(task);
        }

        scheduler.Release(task);
        task.State = TaskState.Cancelled;
        task.Error = reason;
        task.FinishedAt = Now;
        Settle(task);
        Publish(task, RunEventKind.TaskCancelled, string.Empty, Now);
        CancelDescendants(task, $"not run: parent task '{task.Def.ReadableId}' was cancelled");
        CheckRunDone(task.Run);
    }

    /// <summary>Cancels every unfinished task of a run.</summary>
    /// <param name="run">The run (no-op when finished).</param>
    /// <param name="reason">The error recorded.</param>
    public void CancelRun(WorkflowRun run, string reason)
    {
        if (run.Finalized)
        {
            return;
        }

        // Every task, an on-failure task already started included: cancelling a run stops all of its work.
        foreach (var task in run.AllTasks.ToArray())
        {
            if (!task.IsFinal)
            {
                if (task.State == TaskState.Waiting)
                {
                    DropWaits(task);
                    task.State = TaskState.Cancelled;
                    task.Error = reason;
                    task.FinishedAt = Now;
                }
                else
                {
                    CancelTask(task, reason);
                }
            }
        }

        CheckRunDone(run);
    }

    private void CancelDescendants(TaskRun task, string reason)
    {
        foreach (var child in task.Def.Children)
        {
            var childRun = task.Run.Tasks[child.Index];
            if (childRun.State == TaskState.Waiting)
            {
                childRun.State = TaskState.Cancelled;
                childRun.Error = reason;
                childRun.FinishedAt = Now;
                CancelDescendants(childRun, reason);
            }
        }
    }
}

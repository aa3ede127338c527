using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// A run's on-failure task. Hatchet queues it as soon as any other task of the run fails for good: its trigger match
/// has one QUEUE group that the FAILED event of any task satisfies (<c>getParentOnFailureGroupMatches</c> in
/// pkg/repository/trigger.go). Branches that have not failed keep running, and its <c>step_run_errors</c> hold the
/// errors of the tasks that had failed by then.
/// </summary>
internal static class OnFailureTasks
{
    /// <summary>Creates the run's on-failure task if a task that failed for good calls for it.</summary>
    /// <param name="failed">The task that failed for good.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The new on-failure task run (attached to its run, not yet stored or queued), or <see langword="null"/>
    /// when the run has none, already created it, or the failed task is the on-failure task itself.</returns>
    public static TaskRun? CreateFor(TaskRun failed, DateTimeOffset now)
    {
        var run = failed.Run;
        if (failed.Def.IsOnFailure || run.Def.OnFailure is not { } def || run.OnFailureTask is not null)
        {
            return null;
        }

        var onFailure = new TaskRun
        {
            ExternalId = Guid.NewGuid().ToString(),
            Def = def,
            Run = run,
            InsertedAt = now,
            StepRunErrorsJson = StepRunErrors(run),
        };
        run.OnFailureTask = onFailure;
        return onFailure;
    }

    /// <summary>The errors of the run's failed tasks by task name.</summary>
    private static string StepRunErrors(WorkflowRun run)
    {
        var errors = new JsonObject();
        foreach (var t in run.Tasks)
        {
            if (t.State == TaskState.Failed)
            {
                errors[t.Def.ReadableId] = t.Error;
            }
        }

        return errors.ToJsonString();
    }
}

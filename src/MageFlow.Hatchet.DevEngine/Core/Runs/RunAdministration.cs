using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// Operations on runs by external id, behind <c>AdminService</c> and the REST API: details, cancel, replay.
/// An id may name a run or one of its task runs.
/// </summary>
internal sealed class RunAdministration(RunStore runs, RunLifecycle lifecycle)
{
    /// <summary>Checks that an id is a UUID. Needs no engine state, so it runs outside the lock.</summary>
    /// <param name="externalId">The id.</param>
    public static void ValidateId(string externalId)
    {
        if (!Guid.TryParse(externalId, out _))
        {
            throw EngineErrors.Invalid($"external_id '{externalId}' is not a UUID");
        }
    }

    /// <summary>Snapshots the run an id names.</summary>
    /// <param name="externalId">A run or task run id.</param>
    /// <returns>The snapshot.</returns>
    public RunDetails Details(string externalId)
    {
        var run = runs.FindRunOrTaskRun(externalId) ?? throw EngineErrors.NotFound($"run '{externalId}' does not exist");
        return RunSnapshots.Details(run);
    }

    /// <summary>Cancels runs (all their unfinished tasks) and task runs.</summary>
    /// <param name="externalIds">Run or task run ids; unknown and finished ones are skipped.</param>
    /// <returns>The ids of the task runs cancelled.</returns>
    public IReadOnlyList<string> Cancel(IEnumerable<string> externalIds)
    {
        var cancelled = new List<string>();
        foreach (var id in externalIds)
        {
            if (runs.TryGetRun(id, out var run))
            {
                foreach (var t in run.AllTasks)
                {
                    if (!t.IsFinal)
                    {
                        cancelled.Add(t.ExternalId);
                    }
                }

                lifecycle.CancelRun(run, "cancelled by request");
            }
            else if (runs.TryGetTask(id, out var task) && !task.IsFinal)
            {
                lifecycle.CancelTask(task, "cancelled by request");
                cancelled.Add(task.ExternalId);
            }
        }

        return cancelled;
    }

    /// <summary>Runs the failed and cancelled tasks of finished runs again, as new attempts.</summary>
    /// <param name="externalIds">Run or task run ids; unknown and unfinished runs are skipped.</param>
    /// <returns>The ids of the task runs replayed.</returns>
    public IReadOnlyList<string> Replay(IEnumerable<string> externalIds)
    {
        var replayed = new List<string>();
        foreach (var id in externalIds)
        {
            var run = runs.FindRunOrTaskRun(id);
            if (run is null || !run.Finalized)
            {
                continue;
            }

            run.Finalized = false;
            run.FinishedAt = null;
            run.Status = ExecutionStatus.Queued;
            run.OnFailureTask = null;
            foreach (var task in run.Tasks)
            {
                if (task.State is TaskState.Failed or TaskState.Cancelled)
                {
                    // A replay is a new attempt with fresh retry budgets (ReplayTasks in tasks-overwrite.go).
                    task.State = TaskState.Waiting;
                    task.RetryCount++;
                    task.AppRetryCount = 0;
                    task.InternalRetryCount = 0;
                    task.Error = null;
                    task.Output = null;
                    replayed.Add(task.ExternalId);
                }
            }

            foreach (var task in run.Tasks)
            {
                if (task.State == TaskState.Waiting && RunLifecycle.AllParentsCompleted(run.Tasks, task.Def))
                {
                    lifecycle.MakeReady(task);
                }
            }
        }

        return replayed;
    }
}

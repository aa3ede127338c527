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

    /// <summary>
    /// Reads the ids of a cancel request as Hatchet does (CancelTasks in internal/services/admin/v1/server.go): every id
    /// must be a UUID, or nothing is cancelled. Needs no engine state, so it runs outside the lock.
    /// </summary>
    /// <param name="externalIds">The ids as sent.</param>
    /// <returns>The ids in their canonical form, in request order.</returns>
    public static IReadOnlyList<string> ParseCancelIds(IEnumerable<string> externalIds)
    {
        var ids = new List<string>();
        foreach (var id in externalIds)
        {
            ids.Add(Guid.TryParse(id, out var uuid) ? uuid.ToString() : throw EngineErrors.Invalid("invalid external id"));
        }

        return ids;
    }

    /// <summary>Cancels runs (all their unfinished tasks) and task runs.</summary>
    /// <param name="externalIds">Run or task run ids, from <see cref="ParseCancelIds"/>; unknown and finished ones are skipped.</param>
    /// <returns>The ids asked for, as Hatchet answers: it hands the cancellation on and reports what it was asked.</returns>
    public IReadOnlyList<string> Cancel(IReadOnlyList<string> externalIds)
    {
        foreach (var id in externalIds)
        {
            if (runs.TryGetRun(id, out var run))
            {
                lifecycle.CancelRun(run, "cancelled by request");
            }
            else if (runs.TryGetTask(id, out var task) && !task.IsFinal)
            {
                lifecycle.CancelTask(task, "cancelled by request");
            }
        }

        return externalIds;
    }

    /// <summary>
    /// Runs tasks of finished runs again, as new attempts, as Hatchet's <c>ReplayTasks</c> does
    /// (internal/services/admin/v1/server.go; <c>ListTasksForReplay</c> in pkg/repository/task.go): a run id replays
    /// every task of the run, whatever its status, completed ones included; a task run id replays that task and the
    /// tasks downstream of it, and keeps the outputs of the others.
    /// </summary>
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

            var named = run.Id == id ? null : run.Tasks.FirstOrDefault(t => t.ExternalId == id);
            var subtree = named is null ? null : Downstream(named.Def);
            run.Finalized = false;
            run.FinishedAt = null;
            run.Status = ExecutionStatus.Queued;
            run.OnFailureTask = null;
            foreach (var task in run.Tasks)
            {
                if (subtree is not null && !subtree.Contains(task.Def))
                {
                    continue;
                }

                // A replay is a new attempt with fresh retry budgets (ReplayTasks in tasks-overwrite.go).
                task.State = TaskState.Waiting;
                task.RetryCount++;
                task.AppRetryCount = 0;
                task.InternalRetryCount = 0;
                task.Error = null;
                task.Output = null;
                replayed.Add(task.ExternalId);
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

    /// <summary>A task and every task that depends on it, directly or not.</summary>
    private static HashSet<TaskDef> Downstream(TaskDef task)
    {
        var found = new HashSet<TaskDef>();
        var pending = new Stack<TaskDef>([task]);
        while (pending.TryPop(out var next))
        {
            if (found.Add(next))
            {
                foreach (var child in next.Children)
                {
                    pending.Push(child);
                }
            }
        }

        return found;
    }
}

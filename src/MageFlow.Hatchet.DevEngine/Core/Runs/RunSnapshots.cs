using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>Copies of a run's state, taken inside the engine lock, that the wire layer turns into responses outside it.</summary>
internal static class RunSnapshots
{
    /// <summary>Snapshots a finished run for its subscribers.</summary>
    /// <param name="run">The run; <see cref="WorkflowRun.Finalized"/> must be set.</param>
    /// <returns>The snapshot.</returns>
    public static FinishedRun Finished(WorkflowRun run)
    {
        // Runs finish on the hot path: walk the task array directly instead of through AllTasks.
        var onFailure = run.OnFailureTask;
        var count = onFailure is not null && HasResult(onFailure) ? 1 : 0;
        foreach (var t in run.Tasks)
        {
            if (HasResult(t))
            {
                count++;
            }
        }

        var results = new TaskResult[count];
        var i = 0;
        foreach (var t in run.Tasks)
        {
            if (HasResult(t))
            {
                results[i++] = ResultOf(t);
            }
        }

        if (onFailure is not null && HasResult(onFailure))
        {
            results[i] = ResultOf(onFailure);
        }

        return new FinishedRun(run.Id, run.FinishedAt!.Value, results);

        static bool HasResult(TaskRun t) => t.Output is not null || t.Error is not null;

        static TaskResult ResultOf(TaskRun t) => t.State == TaskState.Completed
            ? new TaskResult(t.ExternalId, t.Def.ReadableId, t.Output, null)
            : new TaskResult(t.ExternalId, t.Def.ReadableId, null, t.Error ?? t.State.ToString());
    }

    /// <summary>Snapshots a run for <c>GetRunDetails</c> and the REST run details.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The snapshot.</returns>
    public static RunDetails Details(WorkflowRun run)
    {
        var tasks = new List<TaskDetail>(run.Tasks.Length + 1);
        foreach (var t in run.AllTasks)
        {
            string? output = null;
            string? error = null;
            if (t.State == TaskState.Completed && t.Output is not null)
            {
                output = t.Output;
            }
            else if (t.IsFinal && t.Error is not null)
            {
                error = t.Error;
            }

            tasks.Add(new TaskDetail(t.ExternalId, t.Def, t.Def.ReadableId, StatusOf(t), output, error, t.RetryCount, t.InsertedAt, t.StartedAt, t.FinishedAt));
        }

        return new RunDetails(run.Id, run.Def, run.CreatedAt, run.FinishedAt, run.InputJson, run.MetadataJson, StatusOf(run), run.Finalized, tasks, run.ParentTask?.ExternalId);
    }

    /// <summary>A run's status as the REST API and <c>GetRunDetails</c> report it.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The status.</returns>
    public static ExecutionStatus StatusOf(WorkflowRun run) =>
        run.Finalized ? run.Status
        : run.AllTasks.Any(t => t.State is TaskState.Running) ? ExecutionStatus.Running
        : ExecutionStatus.Queued;

    private static ExecutionStatus StatusOf(TaskRun t) => t.State switch
    {
        TaskState.Running => ExecutionStatus.Running,
        TaskState.Completed => ExecutionStatus.Completed,
        TaskState.Failed => ExecutionStatus.Failed,
        TaskState.Cancelled => ExecutionStatus.Cancelled,
        _ => ExecutionStatus.Queued,
    };
}

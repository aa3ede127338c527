using System.Diagnostics.CodeAnalysis;
using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// Where runs and task runs are found by external id (O(1)), and how long finished runs are kept: the oldest
/// finished runs are forgotten beyond <see cref="DevEngineOptions.MaxRetainedFinishedRuns"/>.
/// </summary>
internal sealed class RunStore(int maxRetainedFinishedRuns)
{
    private readonly Dictionary<string, WorkflowRun> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskRun> _tasks = new(StringComparer.Ordinal);
    private readonly Queue<WorkflowRun> _finishedOrder = new();

    /// <summary>Gets the runs the store still holds, in no particular order.</summary>
    public Dictionary<string, WorkflowRun>.ValueCollection All => _runs.Values;

    /// <summary>Adds a new run and its task runs.</summary>
    /// <param name="run">The run.</param>
    public void Add(WorkflowRun run)
    {
        foreach (var task in run.Tasks)
        {
            _tasks[task.ExternalId] = task;
        }

        _runs[run.Id] = run;
    }

    /// <summary>Adds a task run created after its run (the on-failure task).</summary>
    /// <param name="task">The task run.</param>
    public void AddTask(TaskRun task) => _tasks[task.ExternalId] = task;

    /// <summary>Finds a run.</summary>
    /// <param name="runId">The run's external id.</param>
    /// <param name="run">The run, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetRun(string runId, [NotNullWhen(true)] out WorkflowRun? run) => _runs.TryGetValue(runId, out run);

    /// <summary>Finds a task run.</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="task">The task run, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetTask(string taskId, [NotNullWhen(true)] out TaskRun? task) => _tasks.TryGetValue(taskId, out task);

    /// <summary>Gets a task run, or answers <c>NOT_FOUND</c>.</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <returns>The task run.</returns>
    public TaskRun GetTask(string? taskId) =>
        _tasks.TryGetValue(taskId ?? string.Empty, out var task)
            ? task
            : throw EngineErrors.NotFound($"task run '{taskId}' does not exist");

    /// <summary>Finds a run by its own id or by the id of one of its task runs.</summary>
    /// <param name="externalId">A run or task run external id.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    public WorkflowRun? FindRunOrTaskRun(string externalId) =>
        _runs.TryGetValue(externalId, out var run) ? run : _tasks.TryGetValue(externalId, out var task) ? task.Run : null;

    /// <summary>Records that a run finished, forgetting the oldest finished runs beyond the retention limit.</summary>
    /// <param name="run">The run that finished.</param>
    public void RetainFinished(WorkflowRun run)
    {
        _finishedOrder.Enqueue(run);
        while (_finishedOrder.Count > maxRetainedFinishedRuns)
        {
            Forget(_finishedOrder.Dequeue());
        }
    }

    private void Forget(WorkflowRun run)
    {
        _runs.Remove(run.Id);
        foreach (var t in run.AllTasks)
        {
            _tasks.Remove(t.ExternalId);
        }
    }
}

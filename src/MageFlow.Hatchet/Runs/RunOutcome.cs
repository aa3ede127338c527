namespace MageFlow.Hatchet.Runs;

/// <summary>How a finished workflow run ended: one entry per task run that produced an output or an error.</summary>
public sealed class RunOutcome
{
    /// <summary>Initializes a new instance of the <see cref="RunOutcome"/> class.</summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="tasks">What each task run produced.</param>
    public RunOutcome(string runId, IReadOnlyList<TaskRunOutcome> tasks)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(tasks);
        RunId = runId;
        Tasks = tasks;
    }

    /// <summary>Gets the workflow run id.</summary>
    public string RunId { get; }

    /// <summary>Gets what each task run produced, in the engine's order.</summary>
    public IReadOnlyList<TaskRunOutcome> Tasks { get; }

    /// <summary>Gets a value indicating whether no task failed (or was cancelled).</summary>
    public bool Succeeded => Tasks.All(t => t.Error is null);

    /// <summary>Gets the errors of the failed or cancelled task runs, by task name.</summary>
    /// <returns>The errors.</returns>
    public IReadOnlyDictionary<string, string> Errors() =>
        Tasks.Where(t => t.Error is not null).ToDictionary(t => t.TaskName, t => t.Error!, StringComparer.Ordinal);
}

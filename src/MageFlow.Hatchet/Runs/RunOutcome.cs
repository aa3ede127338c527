using MageFlow.Hatchet.Exceptions;

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

    /// <summary>Initializes a new instance of the <see cref="RunOutcome"/> class for a run that finished but whose
    /// result could not be read.</summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="resultUnavailable">Why the result could not be read.</param>
    public RunOutcome(string runId, RunResultUnavailableException resultUnavailable)
        : this(runId, [])
    {
        ArgumentNullException.ThrowIfNull(resultUnavailable);
        ResultUnavailable = resultUnavailable;
    }

    /// <summary>Gets the workflow run id.</summary>
    public string RunId { get; }

    /// <summary>Gets what each task run produced, in the engine's order.</summary>
    public IReadOnlyList<TaskRunOutcome> Tasks { get; }

    /// <summary>Gets why the run's result could not be read, or <see langword="null"/> when it was. The run itself
    /// finished; only its outputs and errors are unknown.</summary>
    public RunResultUnavailableException? ResultUnavailable { get; }

    /// <summary>Gets a value indicating whether the result was read and no task failed (or was cancelled).</summary>
    public bool Succeeded => ResultUnavailable is null && Tasks.All(t => t.Error is null);

    /// <summary>Gets the errors of the failed or cancelled task runs, by task name.</summary>
    /// <returns>The errors.</returns>
    public IReadOnlyDictionary<string, string> Errors() =>
        Tasks.Where(t => t.Error is not null).ToDictionary(t => t.TaskName, t => t.Error!, StringComparer.Ordinal);
}

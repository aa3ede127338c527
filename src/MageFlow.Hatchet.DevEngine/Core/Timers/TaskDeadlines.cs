using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Timers;

/// <summary>
/// The task runs between ready and final, whose deadlines the timer checks: execution timeout (running),
/// schedule timeout (queued, or waiting for a concurrency slot) and end of backoff (waiting to retry). The lifecycle
/// tracks and untracks; the timer reads.
/// </summary>
internal sealed class TaskDeadlines
{
    private readonly HashSet<TaskRun> _tracked = [];

    /// <summary>Starts watching a task run (idempotent).</summary>
    /// <param name="task">The task run.</param>
    public void Track(TaskRun task) => _tracked.Add(task);

    /// <summary>Stops watching a task run that reached a final state.</summary>
    /// <param name="task">The task run.</param>
    public void Untrack(TaskRun task) => _tracked.Remove(task);

    /// <summary>Collects the task runs with a deadline that has passed.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The due task runs, or <see langword="null"/> when none are due (the usual case: no allocation).</returns>
    public List<TaskRun>? CollectDue(DateTimeOffset now)
    {
        List<TaskRun>? due = null;
        foreach (var task in _tracked)
        {
            if ((task.State == TaskState.Running && task.TimeoutAt <= now) ||
                (task.State is TaskState.Queued or TaskState.ConcurrencyWait && task.ScheduleDeadline <= now) ||
                (task.State == TaskState.RetryWait && task.RetryAt <= now))
            {
                (due ??= []).Add(task);
            }
        }

        return due;
    }
}

namespace MageFlow.Hatchet.DevEngine.Core.Logs;

/// <summary>Lines tasks logged through <c>PutLog</c>, kept per task run (at most 1000 each) for <c>HatchetDevEngine.GetTaskLogs</c>.</summary>
internal sealed class TaskLogStore(TimeProvider time)
{
    private const int MaxLinesPerTask = 1000;
    private readonly Dictionary<string, List<TaskLogLine>> _byTask = new(StringComparer.Ordinal);

    /// <summary>Appends a line, dropping it when the task already logged the maximum.</summary>
    /// <param name="taskId">The task run's external id (the caller checked it exists).</param>
    /// <param name="level">The level.</param>
    /// <param name="message">The text.</param>
    public void Append(string taskId, string level, string message)
    {
        if (!_byTask.TryGetValue(taskId, out var lines))
        {
            _byTask[taskId] = lines = [];
        }

        if (lines.Count < MaxLinesPerTask)
        {
            lines.Add(new TaskLogLine(time.GetUtcNow(), level, message));
        }
    }

    /// <summary>Gets a copy of a task run's lines.</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <returns>The lines, oldest first.</returns>
    public IReadOnlyList<TaskLogLine> Get(string taskId) => _byTask.TryGetValue(taskId, out var lines) ? lines.ToArray() : [];
}

using MageFlow.Hatchet.DevEngine.Core.Logs;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Subscriptions;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>
/// What workers report about the tasks they run: step events, timeout refreshes, slot releases, logs and
/// stream chunks. Each method is one atomic transition under the engine lock.
/// </summary>
internal sealed class TaskOperations(Lock gate, StepReports reports, RunStore runs, TaskLogStore logs, RunEventFeed feed)
{
    /// <summary>Applies a worker's step event (<c>SendStepActionEvent</c>).</summary>
    /// <param name="report">The report.</param>
    public void HandleStepEvent(in StepReport report)
    {
        StepReports.Validate(report);
        lock (gate)
        {
            reports.Handle(report);
        }
    }

    /// <summary>Extends a running attempt's timeout (<c>RefreshTimeout</c>).</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="increment">A duration such as <c>30s</c>.</param>
    /// <returns>The new timeout.</returns>
    public DateTimeOffset RefreshTimeout(string taskId, string increment)
    {
        var by = DurationParser.Parse(increment, "increment_timeout_by");
        lock (gate)
        {
            return reports.RefreshTimeout(taskId, by);
        }
    }

    /// <summary>Gives a running task's slots back early (<c>ReleaseSlot</c>).</summary>
    /// <param name="taskId">The task run's external id.</param>
    public void ReleaseSlot(string taskId)
    {
        lock (gate)
        {
            reports.ReleaseSlot(taskId);
        }
    }

    /// <summary>Keeps a line a task logged (<c>PutLog</c>).</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="level">The level.</param>
    /// <param name="message">The text.</param>
    public void AppendLog(string taskId, string level, string message)
    {
        lock (gate)
        {
            logs.Append(runs.GetTask(taskId).ExternalId, level, message);
        }
    }

    /// <summary>
    /// Fans a stream chunk of an existing task run out to the event streams following its run (<c>PutStreamEvent</c>).
    /// Like Hatchet, the engine keeps no chunk: a stream opened later does not get it.
    /// </summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="chunk">The chunk, as text.</param>
    /// <param name="createdAt">When the worker made it.</param>
    /// <param name="index">Its ordering index, if the worker gave one.</param>
    public void AppendStream(string taskId, string chunk, DateTimeOffset createdAt, long? index)
    {
        if (!Guid.TryParse(taskId, out _))
        {
            throw EngineErrors.Invalid("task external run id is not a valid uuid");
        }

        lock (gate)
        {
            if (!runs.TryGetTask(taskId, out var task))
            {
                throw EngineErrors.NotFound($"task run not found: {taskId}");
            }

            if (feed.Watches(task.Run))
            {
                feed.Publish(task.Run, new RunEvent(task.Run.Id, RunEventKind.TaskStream, task.ExternalId, createdAt, chunk, null, index));
            }
        }
    }

    /// <summary>Gets the lines a task run logged.</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <returns>The lines, oldest first.</returns>
    public IReadOnlyList<TaskLogLine> GetLogs(string taskId)
    {
        lock (gate)
        {
            return logs.Get(taskId);
        }
    }
}

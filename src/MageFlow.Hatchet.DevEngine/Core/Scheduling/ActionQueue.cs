using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Scheduling;

/// <summary>The queued task runs of one action: one FIFO list per priority, so taking and removing are O(1).</summary>
internal sealed class ActionQueue
{
    /// <summary>Gets the lists by priority: index 0 = priority 1 (low) … index 2 = priority 3 (high).</summary>
    public LinkedList<TaskRun>[] ByPriority { get; } = [new(), new(), new()];

    /// <summary>Gets the number of queued task runs.</summary>
    public int Count => ByPriority[0].Count + ByPriority[1].Count + ByPriority[2].Count;

    /// <summary>Appends a task run to the list of its run's priority.</summary>
    /// <param name="task">The task run.</param>
    public void Add(TaskRun task)
    {
        var list = ByPriority[Math.Clamp(task.Run.Priority, 1, 3) - 1];
        task.QueueList = list;
        task.QueueNode = list.AddLast(task);
    }

    /// <summary>Takes a task run out of whichever queue holds it (no-op when it is not queued).</summary>
    /// <param name="task">The task run.</param>
    public static void Remove(TaskRun task)
    {
        if (task.QueueNode is not null)
        {
            task.QueueList!.Remove(task.QueueNode);
            task.QueueNode = null;
            task.QueueList = null;
        }
    }
}

using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>
/// An action decided inside the engine lock for one worker. The wire layer turns it into an <c>AssignedAction</c>
/// outside the lock, so it carries the one task field that can still change afterwards (the attempt number);
/// everything else it reads is fixed once the task is assigned. A struct, so queuing it allocates nothing.
/// </summary>
/// <param name="Task">The task run.</param>
/// <param name="Kind">Start or cancel.</param>
/// <param name="RetryCount">The attempt, as it was when the action was decided.</param>
/// <param name="DurableInvocation">A durable task's invocation count for the attempt (<c>durable_task_invocation_count</c>).</param>
internal readonly record struct WorkerAction(TaskRun Task, WorkerActionKind Kind, int RetryCount, int? DurableInvocation = null);

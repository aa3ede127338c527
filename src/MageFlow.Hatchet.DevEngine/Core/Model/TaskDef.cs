namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>One task of a workflow version. Immutable once its workflow is registered.</summary>
internal sealed class TaskDef
{
    /// <summary>Gets the task's id (Hatchet's step id).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the task's name, unique within its workflow.</summary>
    public required string ReadableId { get; init; }

    /// <summary>Gets the action id workers register to run this task.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the task's position in <see cref="WorkflowDef.Tasks"/> and <see cref="WorkflowRun.Tasks"/> (for the on-failure task: one past the end).</summary>
    public required int Index { get; init; }

    /// <summary>Gets the parent names as declared (distinct, in declaration order).</summary>
    public required IReadOnlyList<string> ParentNames { get; init; }

    /// <summary>Gets the parents, resolved from <see cref="ParentNames"/> at registration, in the same order.</summary>
    public List<TaskDef> Parents { get; } = [];

    /// <summary>Gets the tasks that name this one as a parent.</summary>
    public List<TaskDef> Children { get; } = [];

    /// <summary>Gets the execution timeout of one attempt.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>Gets how long the task may wait in a queue for a worker.</summary>
    public required TimeSpan ScheduleTimeout { get; init; }

    /// <summary>Gets how many times a failed attempt is retried.</summary>
    public required int Retries { get; init; }

    /// <summary>Gets the exponential backoff factor, if set.</summary>
    public float? BackoffFactor { get; init; }

    /// <summary>Gets the longest backoff in seconds, if set.</summary>
    public int? BackoffMaxSeconds { get; init; }

    /// <summary>Gets the task-level concurrency limits, checked when the task becomes ready.</summary>
    public required IReadOnlyList<ConcurrencyRule> Concurrency { get; init; }

    /// <summary>Gets the worker slots one attempt takes, by slot type.</summary>
    public required IReadOnlyDictionary<string, int> SlotRequests { get; init; }

    /// <summary>Gets the worker labels the task asks for.</summary>
    public required IReadOnlyDictionary<string, DesiredLabel> DesiredLabels { get; init; }

    /// <summary>Gets a value indicating whether this is the workflow's on-failure task.</summary>
    public bool IsOnFailure { get; init; }

    /// <summary>Gets a value indicating whether the task is durable (<c>CreateTaskOpts.is_durable</c>): each assignment
    /// starts a new invocation of its durable event log.</summary>
    public bool IsDurable { get; init; }

    /// <summary>Gets the task's conditions as declared (started afresh for each task run).</summary>
    public IReadOnlyList<Matching.MatchCondition> Conditions { get; init; } = [];
}

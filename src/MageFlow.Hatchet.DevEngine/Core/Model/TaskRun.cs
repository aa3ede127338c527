namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>One task of one workflow run, across all of its attempts.</summary>
internal sealed class TaskRun : ConcurrencyHolder
{
    /// <summary>Gets the task run's external id.</summary>
    public required string ExternalId { get; init; }

    /// <summary>Gets the task's definition.</summary>
    public required TaskDef Def { get; init; }

    /// <summary>Gets the run the task belongs to.</summary>
    public required WorkflowRun Run { get; init; }

    /// <summary>Gets or sets where the task stands.</summary>
    public TaskState State { get; set; } = TaskState.Waiting;

    /// <summary>
    /// Gets or sets the attempt number, Hatchet's <c>retry_count</c> (0 for the first attempt). It rises with every new
    /// attempt, whatever caused it: an app failure, a reassignment or an undelivered action, and a replay. Workers
    /// see it in <c>AssignedAction.retry_count</c> and echo it in their reports.
    /// </summary>
    public int RetryCount { get; set; }

    /// <summary>Gets or sets how many retries app failures (errors, timeouts) used: Hatchet's <c>app_retry_count</c>, which spends <see cref="TaskDef.Retries"/> and drives backoff.</summary>
    public int AppRetryCount { get; set; }

    /// <summary>Gets or sets how many retries the engine made on its own (reassignments, undelivered actions): Hatchet's <c>internal_retry_count</c>.</summary>
    public int InternalRetryCount { get; set; }

    /// <summary>Gets or sets the worker running the current attempt.</summary>
    public Worker? Worker { get; set; }

    /// <summary>Gets or sets the id of the worker whose attempt completed the task: the desired worker of its children in the DAG.</summary>
    public string? CompletedOnWorkerId { get; set; }

    /// <summary>Gets or sets a value indicating whether the attempt still holds its worker slots (<c>ReleaseSlot</c> gives them back early).</summary>
    public bool SlotHeld { get; set; }

    /// <summary>Gets when the task run was created.</summary>
    public DateTimeOffset InsertedAt { get; init; }

    /// <summary>Gets or sets when the running attempt times out.</summary>
    public DateTimeOffset? TimeoutAt { get; set; }

    /// <summary>Gets or sets when the task is cancelled for waiting too long, for a worker (queued) or a concurrency slot.</summary>
    public DateTimeOffset? ScheduleDeadline { get; set; }

    /// <summary>Gets or sets when the task's retry backoff ends.</summary>
    public DateTimeOffset? RetryAt { get; set; }

    /// <summary>Gets or sets when the current attempt was assigned.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Gets or sets when the task reached a final state.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Gets or sets the output JSON. Set once, when the task completes, and never changed afterwards:
    /// the payloads of downstream tasks are built from it outside the engine lock.</summary>
    public string? Output { get; set; }

    /// <summary>Gets or sets the last error.</summary>
    public string? Error { get; set; }

    /// <summary>Gets or sets a value indicating whether the worker reported the attempt as started.</summary>
    public bool Started { get; set; }

    /// <summary>Gets or sets the task's node in its action queue while queued.</summary>
    public LinkedListNode<TaskRun>? QueueNode { get; set; }

    /// <summary>Gets or sets the priority list of the action queue holding <see cref="QueueNode"/>.</summary>
    public LinkedList<TaskRun>? QueueList { get; set; }

    /// <summary>Gets or sets the first child workflow run this task spawned under each key (child key, else child index), for dedupe.</summary>
    public Dictionary<string, WorkflowRun>? ChildRuns { get; set; }

    /// <summary>Gets the errors of the run's failed tasks as a JSON object (on-failure tasks only).</summary>
    public string? StepRunErrorsJson { get; init; }

    /// <summary>Gets a value indicating whether the task reached a final state.</summary>
    /// <summary>Gets or sets the task's durable waits by signal key (its checkpoints), once it registered one.</summary>
    public Dictionary<string, Durable.DurableSignal>? DurableSignals { get; set; }

    /// <summary>Gets or sets the durable event log of a durable task, from its first assignment on.</summary>
    public Durable.DurableEventLog? EventLog { get; set; }

    /// <summary>Gets or sets the task's pending <c>wait_for</c>/<c>skip_if</c>/<c>cancel_if</c> match.</summary>
    public Matching.ConditionMatch? ConditionMatch { get; set; }

    public bool IsFinal => State is TaskState.Completed or TaskState.Failed or TaskState.Cancelled;

    /// <inheritdoc/>
    public override IReadOnlyList<ConcurrencyRule> ConcurrencyRules => Def.Concurrency;

    /// <inheritdoc/>
    public override WorkflowRun KeySource => Run;
}

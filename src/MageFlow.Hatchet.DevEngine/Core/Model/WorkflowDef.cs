namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>One registered version of a workflow. Immutable once registered.</summary>
/// <remarks>
/// A record so that the registry can stamp the workflow id, which stays the same across versions of one name,
/// onto a definition parsed outside the engine lock (<c>parsed with { WorkflowId = … }</c>).
/// </remarks>
internal sealed record WorkflowDef
{
    /// <summary>Gets the workflow's name; triggers address workflows by it.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the id of the workflow, shared by all of its versions.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Gets the id of this version.</summary>
    public required string VersionId { get; init; }

    /// <summary>Gets the version label the SDK sent (the version id when it sent none).</summary>
    public required string Version { get; init; }

    /// <summary>Gets the tasks, in declaration order; <see cref="TaskDef.Index"/> is the position here.</summary>
    public required IReadOnlyList<TaskDef> Tasks { get; init; }

    /// <summary>Gets the task that runs after the run's tasks fail, if any.</summary>
    public TaskDef? OnFailure { get; init; }

    /// <summary>Gets the event keys whose pushes trigger this workflow.</summary>
    public required IReadOnlyList<string> EventTriggers { get; init; }

    /// <summary>Gets when the workflow was first registered (kept by later versions).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the declared event filters; none means every matching event starts a run.</summary>
    public IReadOnlyList<EventFilter> Filters { get; init; } = [];

    /// <summary>Gets the cron expressions that trigger this workflow (validated when the version was put).</summary>
    public IReadOnlyList<string> CronTriggers { get; init; } = [];

    /// <summary>Gets the input JSON of cron-triggered runs, or <see langword="null"/> for none.</summary>
    public string? CronInput { get; init; }

    /// <summary>Gets the workflow-level concurrency limits, checked before a run starts.</summary>
    public required IReadOnlyList<ConcurrencyRule> Concurrency { get; init; }

    /// <summary>Gets the priority of runs whose trigger names none (1..3).</summary>
    public int DefaultPriority { get; init; } = 1;

    /// <summary>Gets the workflow's sticky strategy.</summary>
    public StickyStrategy Sticky { get; init; }

    /// <summary>Gets a value indicating whether the workflow has exactly one task (whose run id is then its task id).</summary>
    public bool IsSingleTask => Tasks.Count == 1;
}

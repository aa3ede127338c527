using System.Text.Json.Nodes;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>One run of a workflow version: its input, its task runs and where it stands.</summary>
internal sealed class WorkflowRun : ConcurrencyHolder
{
    /// <summary>Gets the run's external id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the workflow version the run was created from.</summary>
    public required WorkflowDef Def { get; init; }

    /// <summary>Gets the input as sent (a JSON object, except for a run an event triggered), copied verbatim into action payloads when it is an object.</summary>
    public required string InputJson { get; init; }

    /// <summary>Gets the parsed input when it is an object (concurrency keys read it); <see langword="null"/> otherwise, which workers see as a <c>null</c> input, as Hatchet reads inputs as objects.</summary>
    public required JsonObject? Input { get; init; }

    /// <summary>Gets the additional metadata as a JSON object string.</summary>
    public required string MetadataJson { get; init; }

    /// <summary>Gets the parsed additional metadata.</summary>
    public required JsonObject Metadata { get; init; }

    /// <summary>Gets the priority (1..3, higher first).</summary>
    public required int Priority { get; init; }

    /// <summary>Gets when the run was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets or sets when the run finished (null while it has not).</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Gets or sets the task runs, indexed by <see cref="TaskDef.Index"/>.</summary>
    public TaskRun[] Tasks { get; set; } = [];

    /// <summary>Gets or sets the on-failure task run, once created.</summary>
    public TaskRun? OnFailureTask { get; set; }

    /// <summary>Gets or sets the final status; meaningful once <see cref="Finalized"/>.</summary>
    public ExecutionStatus Status { get; set; } = ExecutionStatus.Queued;

    /// <summary>Gets or sets a value indicating whether the run has finished (results published).</summary>
    public bool Finalized { get; set; }

    /// <summary>Gets or sets a value indicating whether workflow-level concurrency let the run start.</summary>
    public bool Admitted { get; set; }

    /// <summary>Gets the task run that spawned this run as a child, if any.</summary>
    public TaskRun? ParentTask { get; init; }

    /// <summary>Gets or sets the durable event log entry that spawned this run (<c>trigger_runs</c>), told when the run ends.</summary>
    public Durable.DurableLogEntry? DurableEntry { get; set; }

    /// <summary>Gets the payload of the event filter that let an event start the run, if any (its tasks' <c>triggers.filter_payload</c>).</summary>
    public string? FilterPayloadJson { get; init; }

    /// <summary>Gets the child index the parent gave, if any.</summary>
    public int? ChildIndex { get; init; }

    /// <summary>Gets the child key the parent gave, if any.</summary>
    public string? ChildKey { get; init; }

    /// <summary>Gets the worker the trigger prefers, if any.</summary>
    public string? DesiredWorkerId { get; init; }

    /// <summary>Gets worker labels the trigger asks for on top of the tasks' own, if any.</summary>
    public IReadOnlyDictionary<string, DesiredLabel>? DesiredLabels { get; init; }

    /// <summary>Gets the id of the event that triggered the run, if any.</summary>
    public string? TriggeringEventId { get; init; }

    /// <summary>Gets the key of the event that triggered the run, if any.</summary>
    public string? TriggeringEventKey { get; init; }

    /// <summary>Gets the task runs followed by the on-failure task run, if any.</summary>
    public IEnumerable<TaskRun> AllTasks => OnFailureTask is null ? Tasks : Tasks.Append(OnFailureTask);

    /// <inheritdoc/>
    public override IReadOnlyList<ConcurrencyRule> ConcurrencyRules => Def.Concurrency;

    /// <inheritdoc/>
    public override WorkflowRun KeySource => this;
}

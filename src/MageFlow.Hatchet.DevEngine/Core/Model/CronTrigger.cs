using Cronos;

namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>A cron trigger of a workflow: the runs it starts at the times its expression names (UTC, as Hatchet's ticker).</summary>
internal sealed class CronTrigger
{
    /// <summary>Gets the trigger's id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the workflow's name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>Gets the cron expression as given.</summary>
    public required string Expression { get; init; }

    /// <summary>Gets the parsed expression.</summary>
    public required CronExpression Schedule { get; init; }

    /// <summary>Gets the trigger's name (empty for declared crons, as Hatchet stores them).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the input JSON object of the runs, or <see langword="null"/> for none.</summary>
    public string? InputJson { get; init; }

    /// <summary>Gets the additional metadata JSON object of the runs, or <see langword="null"/> for none.</summary>
    public string? MetadataJson { get; init; }

    /// <summary>Gets the priority of the runs (1..3).</summary>
    public required int Priority { get; init; }

    /// <summary>Gets how the trigger was made.</summary>
    public required CronMethod Method { get; init; }

    /// <summary>Gets when the trigger was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets or sets the next time the trigger fires, or <see langword="null"/> when its expression names no later time.</summary>
    public DateTimeOffset? NextAt { get; set; }

    /// <summary>Gets or sets a value indicating whether the trigger fires (REST cron update sets it).</summary>
    public bool Enabled { get; set; } = true;
}

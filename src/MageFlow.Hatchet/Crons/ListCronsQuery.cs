namespace MageFlow.Hatchet.Crons;

/// <summary>Which cron triggers <see cref="CronsClient.ListAsync"/> returns; every filter is optional.</summary>
public sealed record ListCronsQuery
{
    /// <summary>Gets the workflow whose crons to list, by the name it was declared with (namespace applied).</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Gets the cron name to match.</summary>
    public string? CronName { get; init; }

    /// <summary>Gets metadata key/values every returned cron carries.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }

    /// <summary>Gets how many crons to skip.</summary>
    public int? Offset { get; init; }

    /// <summary>Gets the most crons to return (the engine's default is 50).</summary>
    public int? Limit { get; init; }
}

namespace MageFlow.Hatchet.Schedules;

/// <summary>Which schedules <see cref="SchedulesClient.ListAsync"/> returns; every filter is optional.</summary>
public sealed record ListSchedulesQuery
{
    /// <summary>Gets the workflow whose schedules to list, by the name it was declared with (namespace applied).</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Gets metadata key/values every returned schedule carries.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }

    /// <summary>Gets how many schedules to skip.</summary>
    public int? Offset { get; init; }

    /// <summary>Gets the most schedules to return (the engine's default is 50).</summary>
    public int? Limit { get; init; }
}

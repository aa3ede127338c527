namespace MageFlow.Hatchet.Schedules;

/// <summary>Which schedules <see cref="SchedulesClient.BulkDeleteByFilterAsync"/> deletes; every filter is optional.</summary>
public sealed record ScheduleBulkDeleteFilter
{
    /// <summary>Gets the workflow whose schedules to delete, by the name it was declared with (namespace applied).</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Gets metadata key/values every deleted schedule carries.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }
}

namespace MageFlow.Hatchet.Schedules;

/// <summary>A run to schedule with <see cref="SchedulesClient.CreateAsync"/>.</summary>
public sealed record CreateScheduleRequest
{
    /// <summary>Gets when the run starts.</summary>
    public required DateTimeOffset TriggerAt { get; init; }

    /// <summary>Gets the run's input, serialized with the client's JSON options; an empty object when <see langword="null"/>.</summary>
    public object? Input { get; init; }

    /// <summary>Gets the run's additional metadata.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }

    /// <summary>Gets the run's priority (1 to 3); the workflow's default when <see langword="null"/>.</summary>
    public int? Priority { get; init; }
}

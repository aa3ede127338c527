namespace MageFlow.Hatchet.Crons;

/// <summary>What <see cref="CronsClient.CreateAsync"/> creates: a named cron trigger of a workflow.</summary>
public sealed record CreateCronRequest
{
    /// <summary>Gets the cron's name, unique with its expression within the workflow.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// Gets the cron expression, evaluated in UTC: five fields (minute hour day-of-month month day-of-week) or six with
    /// seconds first. The engine does not check it when the cron is created; one it cannot parse is dropped.
    /// </summary>
    public required string Expression { get; init; }

    /// <summary>Gets the input of the runs the cron starts, serialized with the client's JSON options (an object); <c>{}</c> when <see langword="null"/>.</summary>
    public object? Input { get; init; }

    /// <summary>Gets the additional metadata of the runs the cron starts.</summary>
    public IReadOnlyDictionary<string, string>? AdditionalMetadata { get; init; }

    /// <summary>Gets the priority of the runs (1..3); the engine's default (1) when <see langword="null"/>.</summary>
    public int? Priority { get; init; }
}

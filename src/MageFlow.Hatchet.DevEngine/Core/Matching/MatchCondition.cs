namespace MageFlow.Hatchet.DevEngine.Core.Matching;

/// <summary>One condition of a match, with its state.</summary>
internal sealed class MatchCondition
{
    public required ConditionKind Kind { get; init; }

    public required MatchAction Action { get; init; }

    /// <summary>Gets the group id: conditions sharing it are alternatives (OR); the groups of one action must all hold (AND).</summary>
    public required string OrGroupId { get; init; }

    public required string ReadableDataKey { get; init; }

    public required MatchExpression Expression { get; init; }

    /// <summary>Gets the duration text as sent (a sleep's data echoes it).</summary>
    public string? SleepFor { get; init; }

    public TimeSpan SleepDuration { get; init; }

    public DateTimeOffset? WakeAt { get; set; }

    public string? EventKey { get; init; }

    public string? EventScope { get; init; }

    /// <summary>Gets the start of a durable wait's event lookback (<c>consider_events_since</c>): events pushed since then,
    /// before the wait, may satisfy it.</summary>
    public DateTimeOffset? ConsiderEventsSince { get; init; }

    public string? ParentReadableId { get; init; }

    public bool Satisfied { get; set; }

    /// <summary>Gets or sets the JSON the condition was satisfied with (a sleep's duration, the event's payload, the parent's output).</summary>
    public string? DataJson { get; set; }
}

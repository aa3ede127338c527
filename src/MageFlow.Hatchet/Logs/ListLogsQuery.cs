namespace MageFlow.Hatchet.Logs;

/// <summary>Which log lines <see cref="LogsClient.ListAsync"/> returns; every filter is optional.</summary>
public sealed record ListLogsQuery
{
    /// <summary>Gets the most lines to return (the engine's default is 50).</summary>
    public int? Limit { get; init; }

    /// <summary>Gets the earliest time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the latest time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets text the lines must contain.</summary>
    public string? Search { get; init; }

    /// <summary>Gets the levels to keep (<c>INFO</c>, <c>WARN</c>, <c>ERROR</c>, <c>DEBUG</c>).</summary>
    public IReadOnlyList<string>? Levels { get; init; }

    /// <summary>Gets a value indicating whether the oldest lines come first (the engine's default is newest first).</summary>
    public bool OldestFirst { get; init; }

    /// <summary>Gets the attempt whose lines to return.</summary>
    public int? Attempt { get; init; }
}

namespace MageFlow.Hatchet.Logs;

/// <summary>A line a task wrote to its log (Hatchet's <c>V1LogLine</c>).</summary>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="Message">The text.</param>
/// <param name="Level">The level (<c>INFO</c>, <c>WARN</c>, <c>ERROR</c>, <c>DEBUG</c>), if reported.</param>
/// <param name="Attempt">The attempt that wrote it, if reported.</param>
public sealed record LogLine(DateTimeOffset CreatedAt, string Message, string? Level, int? Attempt);

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>One line a task logged through <c>EventsService/PutLog</c>.</summary>
/// <param name="At">When the engine received it.</param>
/// <param name="Level">The level the SDK sent (DEBUG, INFO, WARN, ERROR).</param>
/// <param name="Message">The text.</param>
public sealed record TaskLogLine(DateTimeOffset At, string Level, string Message);

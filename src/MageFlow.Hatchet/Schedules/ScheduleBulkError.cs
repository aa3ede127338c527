namespace MageFlow.Hatchet.Schedules;

/// <summary>Why one schedule of a bulk change was left alone.</summary>
/// <param name="ScheduleId">The schedule's id, when the engine names it.</param>
/// <param name="Error">The engine's reason (such as a schedule that already fired and cannot be moved).</param>
public sealed record ScheduleBulkError(string? ScheduleId, string Error);

namespace MageFlow.Hatchet.Schedules;

/// <summary>One schedule to move, for <see cref="SchedulesClient.BulkUpdateAsync"/>.</summary>
/// <param name="ScheduleId">The schedule's id.</param>
/// <param name="TriggerAt">Its new time.</param>
public sealed record ScheduleUpdate(string ScheduleId, DateTimeOffset TriggerAt);

namespace MageFlow.Hatchet.Orchestration;

/// <summary>How long MageFlow records live in Redis.</summary>
/// <param name="Active">While a record is in use (pending, running, suspended).</param>
/// <param name="Done">After it finished: a short grace period, then Redis drops it.</param>
public sealed record TtlOptions(TimeSpan Active, TimeSpan Done);

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>A finished durable wait on its way to a <c>ListenForDurableEvent</c> stream.</summary>
/// <param name="TaskId">The task run's external id.</param>
/// <param name="SignalKey">The signal key.</param>
/// <param name="DataJson">The match data.</param>
internal sealed record DurableEventOut(string TaskId, string SignalKey, string DataJson);

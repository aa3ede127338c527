namespace MageFlow.Hatchet.Workers;

/// <summary>A worker as the engine reports it (Hatchet's <c>Worker</c>).</summary>
/// <param name="Id">The worker's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Status">Its status.</param>
/// <param name="LastHeartbeatAt">Its last heartbeat, if any.</param>
/// <param name="Actions">The actions (<c>workflow:task</c>) it serves.</param>
/// <param name="Labels">Its labels (integer values as text).</param>
/// <param name="Slots">Per slot type, the slots free and the slot limit.</param>
public sealed record WorkerInfo(
    string Id,
    string Name,
    WorkerStatus Status,
    DateTimeOffset? LastHeartbeatAt,
    IReadOnlyList<string> Actions,
    IReadOnlyDictionary<string, string?> Labels,
    IReadOnlyDictionary<string, (int Available, int Limit)> Slots);

using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>A copy of a worker's state, for the REST worker list and details.</summary>
/// <param name="Id">The worker's id.</param>
/// <param name="Name">The worker's name.</param>
/// <param name="Actions">The actions it serves, sorted.</param>
/// <param name="LastHeartbeat">Its last heartbeat.</param>
/// <param name="Paused">Whether it is paused.</param>
/// <param name="Active">Whether it is listening (not unsubscribed, stream open).</param>
/// <param name="Slots">Slot capacity and slots in use, per slot type.</param>
/// <param name="Labels">Its labels.</param>
internal sealed record WorkerSnapshot(
    string Id,
    string Name,
    IReadOnlyList<string> Actions,
    DateTimeOffset LastHeartbeat,
    bool Paused,
    bool Active,
    IReadOnlyDictionary<string, (int Capacity, int Used)> Slots,
    IReadOnlyDictionary<string, LabelValue> Labels);

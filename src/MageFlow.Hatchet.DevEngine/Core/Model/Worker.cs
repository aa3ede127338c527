namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>A registered worker: its actions, slots, labels and listen stream.</summary>
internal sealed class Worker
{
    /// <summary>Gets the worker id the engine assigned.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the name the worker registered with (not unique).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the action ids the worker runs.</summary>
    public required HashSet<string> Actions { get; init; }

    /// <summary>Gets the slots the worker offers, by slot type.</summary>
    public required Dictionary<string, int> SlotCapacity { get; init; }

    /// <summary>Gets the slots in use, by slot type.</summary>
    public Dictionary<string, int> SlotsUsed { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the worker's labels.</summary>
    public Dictionary<string, LabelValue> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the open <c>ListenV2</c> stream, if any.</summary>
    public ListenStream? Stream { get; set; }

    /// <summary>Gets or sets when the worker last heartbeated (or opened its stream).</summary>
    public DateTimeOffset LastHeartbeat { get; set; }

    /// <summary>Gets or sets a value indicating whether the worker is paused (REST).</summary>
    public bool Paused { get; set; }

    /// <summary>Gets or sets a value indicating whether the worker called <c>Unsubscribe</c>.</summary>
    public bool Unsubscribed { get; set; }

    /// <summary>Gets the task runs assigned to the worker.</summary>
    public HashSet<TaskRun> Running { get; } = [];

    /// <summary>Gets the free slots of one type.</summary>
    /// <param name="slotType">The slot type.</param>
    /// <returns>The number of free slots (0 for a type the worker does not offer).</returns>
    public int FreeSlots(string slotType) =>
        SlotCapacity.TryGetValue(slotType, out var cap) ? cap - SlotsUsed.GetValueOrDefault(slotType) : 0;

    /// <summary>Gets a value indicating whether any slot of any type is free.</summary>
    /// <returns><see langword="true"/> when a slot is free.</returns>
    public bool HasAnyFreeSlot()
    {
        foreach (var type in SlotCapacity.Keys)
        {
            if (FreeSlots(type) > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets a value indicating whether the worker has room for every slot request.</summary>
    /// <param name="requests">Slots needed, by type.</param>
    /// <returns><see langword="true"/> when all fit.</returns>
    public bool HasRoomFor(IReadOnlyDictionary<string, int> requests)
    {
        foreach (var (type, units) in requests)
        {
            if (FreeSlots(type) < units)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Takes slots for an attempt.</summary>
    /// <param name="requests">Slots to take, by type.</param>
    public void TakeSlots(IReadOnlyDictionary<string, int> requests)
    {
        foreach (var (type, units) in requests)
        {
            SlotsUsed[type] = SlotsUsed.GetValueOrDefault(type) + units;
        }
    }

    /// <summary>Gives back slots an attempt took.</summary>
    /// <param name="requests">Slots to give back, by type.</param>
    public void ReturnSlots(IReadOnlyDictionary<string, int> requests)
    {
        foreach (var (type, units) in requests)
        {
            SlotsUsed[type] = SlotsUsed.GetValueOrDefault(type) - units;
        }
    }
}

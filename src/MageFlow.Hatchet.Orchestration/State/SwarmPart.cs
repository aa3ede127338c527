namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>The parts of a swarm kept beside its signature hash.</summary>
internal enum SwarmPart
{
    /// <summary>A list of item ids waiting for a slot.</summary>
    Queue,

    /// <summary>A list of every item id, in the order they were added (the order of the results).</summary>
    Items,

    /// <summary>A hash of item id → result JSON.</summary>
    Results,
}

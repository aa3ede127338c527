namespace MageFlow.Hatchet.Orchestration;

/// <summary>What a swarm does with its running items when it stops (its failures reach
/// <see cref="SwarmConfig.StopAfterNFailures"/>, or its root task failed for good), and when its error callbacks fire.
/// Queued items are canceled in every mode.</summary>
public enum SwarmStopMode
{
    /// <summary>Error callbacks fire at once; running items finish on their own. The default of explicit swarms, as in
    /// Python MageFlow.</summary>
    Immediate,

    /// <summary>Running items finish; error callbacks fire once, after the last one has ended. The default of root tasks,
    /// whose callbacks wait for every child.</summary>
    WaitForRunning,

    /// <summary>Running items are cancelled through the engine; error callbacks fire once, after the last one has ended.</summary>
    CancelRunning,
}

namespace MageFlow.Hatchet.Workers;

/// <summary>A worker's state as the engine reports it (Hatchet's <c>WorkerStatus</c>).</summary>
public enum WorkerStatus
{
    /// <summary>Connected and taking work.</summary>
    Active,

    /// <summary>Connected, but the engine assigns it nothing (see <see cref="WorkersClient.PauseAsync"/>).</summary>
    Paused,

    /// <summary>Not heard from recently.</summary>
    Inactive,
}

namespace MageFlow.Hatchet.Orchestration;

/// <summary>Limits of a swarm, and of a root task's swarm (Python MageFlow's <c>SwarmConfig</c>).</summary>
/// <param name="MaxConcurrency">How many items run at once.</param>
/// <param name="StopAfterNFailures">Stop the swarm (and fire its error callbacks) after this many failed items; <see langword="null"/> keeps going.</param>
/// <param name="MaxTasks">The most items the swarm accepts; reaching it closes the swarm. <see langword="null"/> for no limit.</param>
public sealed record SwarmConfig(int MaxConcurrency = 30, int? StopAfterNFailures = null, int? MaxTasks = null)
{
    /// <summary>Throws when a limit is out of range.</summary>
    /// <param name="owner">What the config belongs to, for the message (a swarm's or a root task's name).</param>
    /// <exception cref="ArgumentException">A limit is not positive.</exception>
    public void Validate(string owner)
    {
        if (MaxConcurrency < 1)
        {
            throw new ArgumentException($"{owner}: MaxConcurrency must be at least 1 (got {MaxConcurrency}).");
        }

        if (StopAfterNFailures is < 1)
        {
            throw new ArgumentException($"{owner}: StopAfterNFailures must be at least 1, or null to keep going despite failures (got {StopAfterNFailures}).");
        }

        if (MaxTasks is < 1)
        {
            throw new ArgumentException($"{owner}: MaxTasks must be at least 1, or null for no limit (got {MaxTasks}).");
        }
    }
}

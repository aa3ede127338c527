namespace MageFlow.Hatchet.Orchestration;

/// <summary>Limits of a swarm, and of a root task's swarm (Python MageFlow's <c>SwarmConfig</c>).</summary>
/// <param name="MaxConcurrency">How many items run at once.</param>
/// <param name="StopAfterNFailures">Stop the swarm (and fire its error callbacks) after this many failed items; <see langword="null"/> keeps going.</param>
/// <param name="MaxTasks">The most items the swarm accepts; reaching it closes the swarm. <see langword="null"/> for no limit.</param>
/// <param name="StopMode">What happens to running items when the swarm stops; <see langword="null"/> for the default:
/// <see cref="SwarmStopMode.Immediate"/> for explicit swarms, <see cref="SwarmStopMode.WaitForRunning"/> for root tasks.</param>
public sealed record SwarmConfig(int MaxConcurrency = 30, int? StopAfterNFailures = null, int? MaxTasks = null, SwarmStopMode? StopMode = null)
{
    /// <summary>Throws when a limit is out of range.</summary>
    /// <param name="owner">What the config belongs to, for the message (a swarm, or a root task).</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive (the parameter names the limit).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2208:Instantiate argument exceptions correctly", Justification = "The names are those of the record's and AsRoot's parameters, where the caller gave the value.")]
    public void Validate(string owner)
    {
        if (MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException("maxConcurrency", MaxConcurrency, $"{owner}: maxConcurrency must be at least 1");
        }

        if (StopAfterNFailures is < 1)
        {
            throw new ArgumentOutOfRangeException("stopAfterNFailures", StopAfterNFailures, $"{owner}: stopAfterNFailures must be at least 1, or null to keep going despite failures");
        }

        if (MaxTasks is < 1)
        {
            throw new ArgumentOutOfRangeException("maxTasks", MaxTasks, $"{owner}: maxTasks must be at least 1, or null for no limit");
        }

        if (StopMode is { } mode && !Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException("stopMode", mode, $"{owner}: {mode} is not a SwarmStopMode");
        }
    }
}

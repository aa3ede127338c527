namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// A clock that moves only when the test says so, for the engine's timeouts, backoffs and heartbeats. It starts at
/// the real current time so the tokens the engine mints look ordinary. Timers are the system's: the engine's 50 ms
/// ticker keeps running and simply sees no time pass between two <see cref="Advance"/> calls.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private long _utcTicks = DateTimeOffset.UtcNow.UtcTicks;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock forward.</summary>
    /// <param name="by">How far.</param>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _utcTicks, by.Ticks);
    }
}

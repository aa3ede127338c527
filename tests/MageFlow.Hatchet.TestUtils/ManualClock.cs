namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// A clock that moves only when the test says so, for the engine's timeouts, backoffs and heartbeats. It starts at
/// the half minute just past (up to a minute before the real time), so the tokens the engine mints look ordinary and a
/// test that advances to the next whole minute (a cron's due time) is never within a second of it. Timers are the
/// system's: the engine's 50 ms ticker keeps running and simply sees no time pass between two <see cref="Advance"/> calls.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private long _utcTicks = HalfMinuteBefore(DateTimeOffset.UtcNow).UtcTicks;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock forward.</summary>
    /// <param name="by">How far.</param>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _utcTicks, by.Ticks);
    }

    private static DateTimeOffset HalfMinuteBefore(DateTimeOffset now)
    {
        var half = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 30, TimeSpan.Zero);
        return half <= now ? half : half.AddMinutes(-1);
    }
}

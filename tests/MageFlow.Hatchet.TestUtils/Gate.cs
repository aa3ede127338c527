namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// Holds task handlers until the test lets them go, and measures how many run at once.
/// Handlers call <see cref="PassAsync"/>; the test waits for arrivals and releases them.
/// </summary>
public sealed class Gate : IDisposable
{
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly SemaphoreSlim _release = new(0);
    private int _running;
    private int _peak;
    private int _entered;
    private volatile bool _open;

    /// <summary>Gets the most handlers seen inside the gate at once.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Gets how many handlers are inside now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Gets how many times a handler entered.</summary>
    public int Entered => Volatile.Read(ref _entered);

    /// <summary>Called by a handler: counts it, then waits until released (or the task is cancelled).</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _running);
        Interlocked.Increment(ref _entered);
        var peak = Volatile.Read(ref _peak);
        while (now > peak && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
            peak = Volatile.Read(ref _peak);
        }

        _arrived.Release();
        try
        {
            if (!_open)
            {
                await _release.WaitAsync(cancellationToken).WaitAsync(Timeouts.Wait, cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>A task handler that passes this gate, then returns <paramref name="result"/> of its input.</summary>
    public Func<TIn, TaskContext, Task<TOut>> Passing<TIn, TOut>(Func<TIn, TOut> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return async (input, ctx) =>
        {
            await PassAsync(ctx.CancellationToken);
            return result(input);
        };
    }

    /// <summary>Waits until <paramref name="count"/> more handlers have arrived.</summary>
    public async Task ArrivalsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _arrived.WaitAsync(Timeouts.Wait);
        }
    }

    /// <summary>Lets <paramref name="count"/> waiting handlers go.</summary>
    public void Release(int count) => _release.Release(count);

    /// <summary>Lets every handler through from now on.</summary>
    public void Open()
    {
        _open = true;
        _release.Release(10_000);
    }

    public void Dispose()
    {
        _arrived.Dispose();
        _release.Dispose();
    }
}

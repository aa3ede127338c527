namespace MageFlow.Hatchet.Worker;

/// <summary>What a worker's loops share: its id at the engine and the action stream now open.</summary>
internal sealed class WorkerSession
{
    private volatile string? _workerId;
    private CancellationTokenSource? _currentListen;
    private long _listenOpenedAt;
    private long _lastHeartbeatUtcTicks;

    /// <summary>Gets or sets the id the engine gave the worker at its last registration.</summary>
    public string? WorkerId
    {
        get => _workerId;
        set => _workerId = value;
    }

    /// <summary>Records the stream just opened; cancelling <paramref name="listen"/> makes the listener reconnect.</summary>
    public void ListenOpened(CancellationTokenSource listen, long timestamp)
    {
        Volatile.Write(ref _listenOpenedAt, timestamp);
        Volatile.Write(ref _currentListen, listen);
    }

    public void ListenClosed() => Volatile.Write(ref _currentListen, null);

    /// <summary>Gets a value indicating whether an action stream is open now.</summary>
    public bool IsListening => Volatile.Read(ref _currentListen) is not null;

    /// <summary>Gets or sets when the engine last accepted a heartbeat, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastHeartbeatAt
    {
        get => Volatile.Read(ref _lastHeartbeatUtcTicks) is var t and not 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;
        set => Volatile.Write(ref _lastHeartbeatUtcTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>Makes the listener reopen its stream now, unless the stream was opened less than <paramref name="grace"/> ago.</summary>
    public async Task ReconnectListenAsync(TimeProvider time, TimeSpan grace)
    {
        if (Volatile.Read(ref _currentListen) is { } listen && time.GetElapsedTime(Volatile.Read(ref _listenOpenedAt)) >= grace)
        {
            await listen.CancelAsync().ConfigureAwait(false);
        }
    }
}

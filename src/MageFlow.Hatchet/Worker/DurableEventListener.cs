using System.Collections.Concurrent;
using Grpc.Core;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Worker;

/// <summary>
/// One <c>ListenForDurableEvent</c> stream per worker, shared by its durable tasks: each wait sends its (task, signal
/// key) and gets the match data back. The stream is opened on the first wait and reopened when it breaks, asking again
/// for every wait still open, because the engine answers waits that ended while no stream listened as soon as one asks.
/// </summary>
internal sealed class DurableEventListener(EngineConnection engine, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string TaskId, string SignalKey), TaskCompletionSource<string>> _waits = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private AsyncDuplexStreamingCall<ListenForDurableEventRequest, DurableEvent>? _call;
    private Task? _loop;

    /// <summary>Waits for a registered signal's data.</summary>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="signalKey">The signal key.</param>
    /// <param name="cancellationToken">Stops waiting (the task was cancelled).</param>
    /// <returns>The match data JSON.</returns>
    public async Task<string> WaitAsync(string taskId, string signalKey, CancellationToken cancellationToken)
    {
        var tcs = _waits.GetOrAdd((taskId, signalKey), _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        AsyncDuplexStreamingCall<ListenForDurableEventRequest, DurableEvent>? call;
        lock (_gate)
        {
            _loop ??= Task.Run(RunAsync, CancellationToken.None);
            call = _call;
        }

        if (call is not null)
        {
            await SendAsync(call, taskId, signalKey).ConfigureAwait(false);
        }

        try
        {
            return await tcs.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (tcs.Task.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                _waits.TryRemove(new KeyValuePair<(string, string), TaskCompletionSource<string>>((taskId, signalKey), tcs));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _writes.Dispose();
    }

    private async Task SendAsync(AsyncDuplexStreamingCall<ListenForDurableEventRequest, DurableEvent> call, string taskId, string signalKey)
    {
        // gRPC allows one write at a time per stream.
        await _writes.WaitAsync().ConfigureAwait(false);
        try
        {
            await call.RequestStream.WriteAsync(new ListenForDurableEventRequest { TaskId = taskId, SignalKey = signalKey }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The stream broke; the loop reopens it and asks again for every open wait.
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        var delay = TimeSpan.FromMilliseconds(100);
        while (!ct.IsCancellationRequested)
        {
            AsyncDuplexStreamingCall<ListenForDurableEventRequest, DurableEvent> call;
            try
            {
                call = engine.Durable.ListenForDurableEvent(cancellationToken: ct);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            try
            {
                // Published first, so a wait that starts now asks on this stream itself; one already open is asked for
                // again below, and asking twice is harmless (the engine answers once per ask, the second answer is dropped).
                lock (_gate)
                {
                    _call = call;
                }

                foreach (var (taskId, signalKey) in _waits.Keys)
                {
                    await SendAsync(call, taskId, signalKey).ConfigureAwait(false);
                }

                while (await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
                {
                    var e = call.ResponseStream.Current;
                    if (_waits.TryGetValue((e.TaskId, e.SignalKey), out var tcs))
                    {
                        tcs.TrySetResult(e.Data.ToStringUtf8());
                    }

                    delay = TimeSpan.FromMilliseconds(100);
                }
            }
            catch (ObjectDisposedException)
            {
                return; // the client was disposed: no stream can open again
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
            {
                // Reopened below unless the worker stops.
            }
            finally
            {
                lock (_gate)
                {
                    if (ReferenceEquals(_call, call))
                    {
                        _call = null;
                    }
                }

                call.Dispose();
            }

            try
            {
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }
}

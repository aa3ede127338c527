using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using MageFlow.Hatchet.Protocol;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Internal;

/// <summary>
/// One long-lived <c>SubscribeToWorkflowRuns</c> stream shared by every waiter of a client. It reconnects
/// with backoff and re-subscribes the runs still awaited, so a dropped stream loses no result.
/// </summary>
internal sealed class RunListener : IAsyncDisposable
{
    private readonly Rpc _rpc;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkflowRunEvent>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IRunWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly Channel<string> _outgoing = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startGate = new();
    private Task? _loop;

    public RunListener(Rpc rpc, ILogger log)
    {
        _rpc = rpc;
        _log = log;
    }

    public async Task<WorkflowRunEvent> WaitAsync(string runId, CancellationToken cancellationToken)
    {
        var tcs = _waiters.GetOrAdd(runId, _ => new TaskCompletionSource<WorkflowRunEvent>(TaskCreationOptions.RunContinuationsAsynchronously));
        EnsureStarted();
        _outgoing.Writer.TryWrite(runId);
        try
        {
            return await tcs.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (tcs.Task.IsCompleted)
            {
                _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<WorkflowRunEvent>>(runId, tcs));
            }
        }
    }

    /// <summary>Calls <paramref name="watcher"/> once when the run finishes (or when waiting for it fails for good),
    /// without a task or a waiting continuation per run: for callers that follow many runs at once.</summary>
    public void Watch(string runId, IRunWatcher watcher)
    {
        if (!_watchers.TryAdd(runId, watcher))
        {
            return;
        }

        EnsureStarted();
        _outgoing.Writer.TryWrite(runId);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _outgoing.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var w in _waiters.Values)
        {
            w.TrySetCanceled();
        }

        _stop.Dispose();
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startGate)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            var connectedAt = DateTimeOffset.UtcNow;
            try
            {
                using var call = _rpc.Dispatcher.SubscribeToWorkflowRuns(cancellationToken: _stop.Token);
                using var callDone = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);

                // Re-subscribe everything still awaited (after a reconnect), then forward new requests.
                foreach (var id in _waiters.Keys.Concat(_watchers.Keys).Distinct(StringComparer.Ordinal))
                {
                    await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = id }, _stop.Token).ConfigureAwait(false);
                }

                var writer = Task.Run(
                    async () =>
                    {
                        await foreach (var id in _outgoing.Reader.ReadAllAsync(callDone.Token).ConfigureAwait(false))
                        {
                            await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = id }, callDone.Token).ConfigureAwait(false);
                        }
                    },
                    callDone.Token);

                try
                {
                    await foreach (var evt in call.ResponseStream.ReadAllAsync(_stop.Token).ConfigureAwait(false))
                    {
                        attempt = 0;
                        if (_waiters.TryGetValue(evt.WorkflowRunId, out var tcs))
                        {
                            tcs.TrySetResult(evt);
                        }

                        if (_watchers.TryRemove(evt.WorkflowRunId, out var watcher))
                        {
                            watcher.OnRunFinished(evt.WorkflowRunId, evt);
                        }
                    }
                }
                finally
                {
                    await callDone.CancelAsync().ConfigureAwait(false);
                    await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            catch (Exception e) when (e is RpcException or IOException or OperationCanceledException or HttpRequestException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                if (e is RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied } auth)
                {
                    var error = new Exceptions.HatchetRpcException("waiting for run results", auth);
                    foreach (var w in _waiters.Values)
                    {
                        w.TrySetException(error);
                    }

                    foreach (var runId in _watchers.Keys)
                    {
                        if (_watchers.TryRemove(runId, out var watcher))
                        {
                            watcher.OnRunFailed(runId, error);
                        }
                    }
                }

                HatchetLog.RunListenerReconnecting(_log, e.Message);
            }

            if (DateTimeOffset.UtcNow - connectedAt > TimeSpan.FromSeconds(20))
            {
                attempt = 0;
            }

            attempt++;
            var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(attempt, 10))) + Random.Shared.Next(0, 100));
            try
            {
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>Receives the end of runs followed with <see cref="RunListener.Watch"/>. Called on the listener's
/// reading loop: implementations must return quickly and never throw.</summary>
internal interface IRunWatcher
{
    void OnRunFinished(string runId, WorkflowRunEvent evt);

    void OnRunFailed(string runId, Exception error);
}

using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using Microsoft.Extensions.Logging;
using Polly;

namespace MageFlow.Hatchet.Runs;

/// <summary>
/// One long-lived <c>SubscribeToWorkflowRuns</c> stream shared by every waiter and watcher of a client. It
/// reconnects with the client's reconnect policy and re-subscribes the runs still followed, so a dropped stream
/// loses no result.
/// </summary>
internal sealed class RunListener : IAsyncDisposable
{
    /// <summary>A stream that stayed up this long was healthy: when it breaks, reconnect at once with a fresh backoff.</summary>
    private static readonly TimeSpan HealthyStream = TimeSpan.FromSeconds(20);

    private readonly EngineConnection _engine;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Action<RunOutcome> _onFinished;
    private readonly RunResultFallback _fallback;
    private readonly ResiliencePipeline _reconnect;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RunOutcome>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IRunObserver> _watchers = new(StringComparer.Ordinal);
    private readonly Channel<string> _outgoing = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startGate = new();
    private Task? _loop;

    /// <param name="engine">The client's connection.</param>
    /// <param name="log">The log.</param>
    /// <param name="time">The clock.</param>
    /// <param name="onFinished">Called for every finished run before its waiters and watchers (the interceptors' hook).</param>
    /// <param name="fallback">Reads the results the engine leaves out of a run event.</param>
    public RunListener(EngineConnection engine, ILogger log, TimeProvider time, Action<RunOutcome> onFinished, RunResultFallback fallback)
    {
        _fallback = fallback;
        _engine = engine;
        _log = log;
        _time = time;
        _onFinished = onFinished;
        _reconnect = engine.ReconnectPipeline(
            e => !_stop.IsCancellationRequested,
            args =>
            {
                HatchetLog.RunListenerReconnecting(_log, args.Outcome.Exception);
                return default;
            });
    }

    public async Task<RunOutcome> WaitAsync(string runId, CancellationToken cancellationToken)
    {
        var tcs = _waiters.GetOrAdd(runId, _ => new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
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
                _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<RunOutcome>>(runId, tcs));
            }
        }
    }

    public void Watch(string runId, IRunObserver observer)
    {
        if (!_watchers.TryAdd(runId, observer))
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
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _reconnect.ExecuteAsync(async ct => await ListenOnceAsync(ct).ConfigureAwait(false), _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One stream: returns normally after a healthy stream broke (reconnect at once), throws to back off.</summary>
    private async ValueTask ListenOnceAsync(CancellationToken stopping)
    {
        var openedAt = _time.GetTimestamp();
        try
        {
            using var call = _engine.Dispatcher.SubscribeToWorkflowRuns(cancellationToken: stopping);
            using var callDone = CancellationTokenSource.CreateLinkedTokenSource(stopping);

            // Re-subscribe everything still followed (after a reconnect), then forward new requests.
            foreach (var id in _waiters.Keys.Concat(_watchers.Keys).Distinct(StringComparer.Ordinal))
            {
                await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = id }, stopping).ConfigureAwait(false);
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
                await foreach (var evt in call.ResponseStream.ReadAllAsync(stopping).ConfigureAwait(false))
                {
                    if (evt.Results.Count == 0)
                    {
                        // Off the stream's loop: a REST read must not hold up every other run's result.
                        _ = DeliverFromRestAsync(evt.WorkflowRunId);
                    }
                    else
                    {
                        Deliver(RunEvents.ToOutcome(evt));
                    }
                }
            }
            finally
            {
                await callDone.CancelAsync().ConfigureAwait(false);
                await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (Exception e) when (e is RpcException or IOException or OperationCanceledException or HttpRequestException && !stopping.IsCancellationRequested)
        {
            if (e is RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied } auth)
            {
                FailAll(new HatchetRpcException("waiting for run results", auth));
            }

            if (_time.GetElapsedTime(openedAt) > HealthyStream)
            {
                HatchetLog.RunListenerReconnecting(_log, e);
                return;
            }

            throw;
        }

        if (!stopping.IsCancellationRequested)
        {
            throw new IOException("the run result stream ended");
        }
    }

    private async Task DeliverFromRestAsync(string runId)
    {
        try
        {
            Deliver(await _fallback.ReadAsync(runId, _stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The client is closing: its waiters are cancelled with it.
        }
    }

    private void Deliver(RunOutcome outcome)
    {
        _onFinished(outcome);
        if (_waiters.TryGetValue(outcome.RunId, out var tcs))
        {
            tcs.TrySetResult(outcome);
        }

        if (_watchers.TryRemove(outcome.RunId, out var watcher))
        {
            watcher.OnRunFinished(outcome);
        }
    }

    private void FailAll(HatchetRpcException error)
    {
        foreach (var w in _waiters.Values)
        {
            w.TrySetException(error);
        }

        foreach (var runId in _watchers.Keys)
        {
            if (_watchers.TryRemove(runId, out var watcher))
            {
                watcher.OnWatchFailed(runId, error);
            }
        }
    }
}

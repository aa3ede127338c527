using Grpc.Core;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using Microsoft.Extensions.Logging;
using Polly;

namespace MageFlow.Hatchet.Worker;

/// <summary>
/// Keeps the worker's <c>ListenV2</c> action stream open and hands every action to the task runner. It reopens the
/// stream with the client's reconnect policy; a stream that was healthy for a while reopens at once.
/// </summary>
internal sealed class ActionListener
{
    private static readonly TimeSpan HealthyStream = TimeSpan.FromSeconds(10);

    private readonly EngineConnection _engine;
    private readonly WorkerSession _session;
    private readonly WorkerRegistration _registration;
    private readonly Action<AssignedAction> _dispatch;
    private readonly TimeProvider _time;
    private readonly string _workerName;
    private readonly ILogger _log;
    private readonly ResiliencePipeline _reconnect;
    private readonly CancellationToken _stopping;

    public ActionListener(EngineConnection engine, WorkerSession session, WorkerRegistration registration, Action<AssignedAction> dispatch, TimeProvider time, string workerName, ILogger log, CancellationToken stopping)
    {
        _engine = engine;
        _session = session;
        _registration = registration;
        _dispatch = dispatch;
        _time = time;
        _workerName = workerName;
        _log = log;
        _stopping = stopping;
        _reconnect = engine.ReconnectPipeline(
            e => !stopping.IsCancellationRequested && e is not HatchetConfigurationException,
            args =>
            {
                HatchetLog.ListenReconnecting(_log, _workerName, (int)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1, args.Outcome.Exception);
                return default;
            });
    }

    public async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                // The pipeline backs off between failed attempts; a long healthy stream resets the count.
                await _reconnect.ExecuteAsync(async ct => await ListenOnceAsync(ct).ConfigureAwait(false), _stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async ValueTask ListenOnceAsync(CancellationToken cancellationToken)
    {
        var workerId = _session.WorkerId!;
        using var listen = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var openedAt = _time.GetTimestamp();
        _session.ListenOpened(listen, openedAt);
        try
        {
            using var call = _engine.Dispatcher.ListenV2(new WorkerListenRequest { WorkerId = workerId }, cancellationToken: listen.Token);
            await foreach (var action in call.ResponseStream.ReadAllAsync(listen.Token).ConfigureAwait(false))
            {
                _dispatch(action);
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            HatchetLog.WorkerReRegistering(_log, _workerName, e);
            await _registration.RegisterAsync(workerId, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is RpcException or IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (_time.GetElapsedTime(openedAt) > HealthyStream)
            {
                return; // was healthy for a while: reconnect at once with a fresh backoff
            }

            throw;
        }
        finally
        {
            _session.ListenClosed();
        }

        if (!cancellationToken.IsCancellationRequested && _time.GetElapsedTime(openedAt) < HealthyStream)
        {
            throw new IOException("the action stream ended");
        }
    }
}

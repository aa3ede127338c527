using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Worker;

/// <summary>
/// Sends the worker's heartbeats (Hatchet stops assigning to a worker silent for 5 s). The engine's answers also
/// repair the worker: a lost stream makes the listener reconnect, an unknown worker registers again.
/// </summary>
internal sealed class Heartbeater(EngineConnection engine, WorkerSession session, WorkerRegistration registration, TimeSpan interval, TimeProvider time, string workerName, ILogger log)
{
    /// <summary>A stream opened this recently may simply not have reached the engine yet; leave it alone.</summary>
    private static readonly TimeSpan FreshStream = TimeSpan.FromSeconds(3);

    /// <param name="stopping">Ends the loop (the worker's final stop).</param>
    /// <param name="stopListening">Set once the worker stops taking work: it must not register again then.</param>
    public async Task RunAsync(CancellationToken stopping, CancellationToken stopListening)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), time, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        do
        {
            if (session.WorkerId is { } id)
            {
                await BeatAsync(id, stopping, stopListening).ConfigureAwait(false);
            }
        }
        while (await WaitTickAsync(timer, stopping).ConfigureAwait(false));
    }

    private async Task BeatAsync(string id, CancellationToken stopping, CancellationToken stopListening)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            await engine.Dispatcher.HeartbeatAsync(
                new HeartbeatRequest { WorkerId = id, HeartbeatAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()) },
                cancellationToken: cts.Token).ResponseAsync.ConfigureAwait(false);
            session.LastHeartbeatAt = time.GetUtcNow();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            // The engine lost our stream: make the listener reconnect now.
            HatchetLog.HeartbeatFailed(log, workerName, e);
            await session.ReconnectListenAsync(time, FreshStream).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && !stopListening.IsCancellationRequested)
        {
            HatchetLog.WorkerReRegistering(log, workerName, e);
            try
            {
                await registration.RegisterAsync(id, stopping).ConfigureAwait(false);
                await session.ReconnectListenAsync(time, TimeSpan.Zero).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is HatchetRpcException or OperationCanceledException)
            {
                HatchetLog.HeartbeatFailed(log, workerName, inner);
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException && !stopping.IsCancellationRequested)
        {
            HatchetLog.HeartbeatFailed(log, workerName, e);
        }
    }

    private static async Task<bool> WaitTickAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

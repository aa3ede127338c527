using Google.Protobuf;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Services;

/// <summary><c>/v1.V1Dispatcher/*</c>: the durable event-log stream (<c>DurableTask</c>, see <see cref="DurableTaskStream"/>)
/// and the older durable protocol (<c>RegisterDurableEvent</c>/<c>ListenForDurableEvent</c>), which SDKs use against an
/// engine that reports a version before v0.80.0 (see <see cref="DevEngineOptions.EngineVersion"/>).</summary>
internal sealed class V1DispatcherService(Engine engine) : V1Dispatcher.V1DispatcherBase
{
    public override Task DurableTask(IAsyncStreamReader<DurableTaskRequest> requestStream, IServerStreamWriter<DurableTaskResponse> responseStream, ServerCallContext context) =>
        DurableTaskStream.ServeAsync(engine, requestStream, responseStream, context.CancellationToken);

    public override Task<RegisterDurableEventResponse> RegisterDurableEvent(RegisterDurableEventRequest request, ServerCallContext context)
    {
        engine.Durable.Register(request);
        return Task.FromResult(new RegisterDurableEventResponse());
    }

    public override async Task ListenForDurableEvent(IAsyncStreamReader<ListenForDurableEventRequest> requestStream, IServerStreamWriter<DurableEvent> responseStream, ServerCallContext context)
    {
        var listener = engine.Durable.Open();
        var ct = context.CancellationToken;
        var reading = Task.Run(
            async () =>
            {
                try
                {
                    while (await requestStream.MoveNext(ct).ConfigureAwait(false))
                    {
                        engine.Durable.Listen(listener, requestStream.Current.TaskId, requestStream.Current.SignalKey);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or RpcException or InvalidOperationException)
                {
                    // The client went away; the writer below ends with the call.
                }
            },
            CancellationToken.None);
        try
        {
            await foreach (var e in listener.Events.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(new DurableEvent { TaskId = e.TaskId, SignalKey = e.SignalKey, Data = ByteString.CopyFromUtf8(e.DataJson) }, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            engine.Durable.Close(listener);
            await reading.ConfigureAwait(false);
        }
    }
}

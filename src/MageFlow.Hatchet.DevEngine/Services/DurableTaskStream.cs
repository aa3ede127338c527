using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Services.Mapping;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Services;

/// <summary>
/// Serves one <c>/v1.V1Dispatcher/DurableTask</c> stream: requests are handled in order as they come (each one engine
/// transition), responses are written by one writer from the stream's session. A malformed or unknown
/// <c>register_worker</c> ends the stream with its status; every other refusal is an error response on the stream.
/// </summary>
internal static class DurableTaskStream
{
    /// <summary>Serves the stream until the client ends it.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="requests">The request stream.</param>
    /// <param name="responses">The response stream.</param>
    /// <param name="ct">The call's cancellation.</param>
    /// <returns>A task that ends with the stream.</returns>
    public static async Task ServeAsync(Engine engine, IAsyncStreamReader<DurableTaskRequest> requests, IServerStreamWriter<DurableTaskResponse> responses, CancellationToken ct)
    {
        var ops = engine.DurableTasks;
        var session = ops.Open();
        var writing = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var response in session.Out.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                    {
                        await responses.WriteAsync(response, ct).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or RpcException)
                {
                    // The client went away.
                }
            },
            CancellationToken.None);
        try
        {
            while (await requests.MoveNext(ct).ConfigureAwait(false))
            {
                Handle(ops, session, requests.Current);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || (e is RpcException r && r.StatusCode == StatusCode.Cancelled))
        {
            // The client went away.
        }
        finally
        {
            ops.Close(session);
            await writing.ConfigureAwait(false);
        }
    }

    private static void Handle(Core.Operations.DurableTaskOperations ops, Core.Durable.DurableTaskSession session, DurableTaskRequest request)
    {
        switch (request.MessageCase)
        {
            case DurableTaskRequest.MessageOneofCase.RegisterWorker:
                ops.RegisterWorker(session, request.RegisterWorker);
                break;
            case DurableTaskRequest.MessageOneofCase.Memo:
                ops.Memo(session, request.Memo);
                break;
            case DurableTaskRequest.MessageOneofCase.TriggerRuns:
                var trigger = request.TriggerRuns;
                var runs = trigger.TriggerOpts.Select(o =>
                {
                    // Hatchet makes the durable task the parent of every run it spawns through the log.
                    var opts = o.Clone();
                    opts.ParentTaskRunExternalId = trigger.DurableTaskExternalId;
                    return RunRequestMapper.FromTrigger(opts);
                }).ToList();
                ops.TriggerRuns(session, trigger, runs);
                break;
            case DurableTaskRequest.MessageOneofCase.WaitFor:
                ops.WaitFor(session, request.WaitFor);
                break;
            case DurableTaskRequest.MessageOneofCase.EvictInvocation:
                ops.Evict(session, request.EvictInvocation);
                break;
            case DurableTaskRequest.MessageOneofCase.WorkerStatus:
                ops.WorkerStatus(session, request.WorkerStatus);
                break;
            case DurableTaskRequest.MessageOneofCase.CompleteMemo:
                ops.CompleteMemo(session, request.CompleteMemo);
                break;
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"unknown durable task message: {request.MessageCase}"));
        }
    }
}

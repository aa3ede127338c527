using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Services.Mapping;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services;

/// <summary><c>/Dispatcher/*</c>: worker registration, the action stream, step events and run results.</summary>
internal sealed class DispatcherService(Engine engine, DevEngineOptions options) : Dispatcher.DispatcherBase
{
    private static readonly WriteOptions BufferHint = new(WriteFlags.BufferHint);

    public override Task<GetVersionResponse> GetVersion(GetVersionRequest request, ServerCallContext context) =>
        Task.FromResult(new GetVersionResponse { Version = options.EngineVersion });

    public override Task<WorkerRegisterResponse> Register(WorkerRegisterRequest request, ServerCallContext context)
    {
        var worker = engine.Workers.Register(WorkerRequestMapper.FromRegister(request));
        return Task.FromResult(new WorkerRegisterResponse { TenantId = engine.TenantId, WorkerId = worker.Id, WorkerName = worker.Name });
    }

    public override Task Listen(WorkerListenRequest request, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "the dev engine serves ListenV2 with separate Heartbeat calls; the legacy Listen stream is not implemented"));

    public override async Task ListenV2(WorkerListenRequest request, IServerStreamWriter<AssignedAction> responseStream, ServerCallContext context)
    {
        var stream = engine.Workers.OpenListen(request.WorkerId);
        try
        {
            var tenantId = engine.TenantId;
            var reader = stream.Actions.Reader;
            while (await reader.WaitToReadAsync(context.CancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var action))
                {
                    // Buffer while more actions are waiting; the last one flushes the batch.
                    responseStream.WriteOptions = reader.TryPeek(out _) ? BufferHint : null;
                    await responseStream.WriteAsync(AssignedActionMapper.ToWire(action, tenantId), context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The worker went away.
        }
        finally
        {
            engine.Workers.CloseListen(request.WorkerId, stream);
        }
    }

    public override Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        engine.Workers.Heartbeat(request.WorkerId);
        return Task.FromResult(new HeartbeatResponse());
    }

    public override Task<ActionEventResponse> SendStepActionEvent(StepActionEvent request, ServerCallContext context)
    {
        engine.Tasks.HandleStepEvent(WorkerRequestMapper.FromStepEvent(request));
        return Task.FromResult(new ActionEventResponse { TenantId = engine.TenantId, WorkerId = request.WorkerId });
    }

    public override async Task SubscribeToWorkflowRuns(
        IAsyncStreamReader<SubscribeToWorkflowRunsRequest> requestStream,
        IServerStreamWriter<WorkflowRunEvent> responseStream,
        ServerCallContext context)
    {
        var subscriber = new RunSubscriber();
        var pending = new HashSet<string>(StringComparer.Ordinal);
        var requestsDone = false;
        var gate = new Lock();
        var reading = Task.Run(
            async () =>
            {
                try
                {
                    while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
                    {
                        var id = requestStream.Current.WorkflowRunId;
                        if (string.IsNullOrEmpty(id))
                        {
                            continue;
                        }

                        lock (gate)
                        {
                            if (!pending.Add(id))
                            {
                                continue;
                            }
                        }

                        engine.Runs.Subscribe(id, subscriber);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or RpcException)
                {
                    // The client went away.
                }
                finally
                {
                    lock (gate)
                    {
                        requestsDone = true;
                        if (pending.Count == 0)
                        {
                            subscriber.Events.Writer.TryComplete();
                        }
                    }
                }
            },
            context.CancellationToken);

        try
        {
            var reader = subscriber.Events.Reader;
            while (await reader.WaitToReadAsync(context.CancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var finished))
                {
                    responseStream.WriteOptions = reader.TryPeek(out _) ? BufferHint : null;
                    await responseStream.WriteAsync(RunEventMapper.ToWire(finished, options.MaxMessageSize), context.CancellationToken).ConfigureAwait(false);
                    lock (gate)
                    {
                        pending.Remove(finished.RunId);
                        if (requestsDone && pending.Count == 0)
                        {
                            subscriber.Events.Writer.TryComplete();
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            string[] left;
            lock (gate)
            {
                left = [.. pending];
            }

            engine.Runs.Unsubscribe(subscriber, left);
            await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task SubscribeToWorkflowEvents(SubscribeToWorkflowEventsRequest request, IServerStreamWriter<WorkflowEvent> responseStream, ServerCallContext context)
    {
        EventSubscriber subscriber;
        if (request.HasWorkflowRunId)
        {
            subscriber = EventSubscriber.ForRun(request.WorkflowRunId);
        }
        else if (request.HasAdditionalMetaKey && request.HasAdditionalMetaValue)
        {
            subscriber = EventSubscriber.ForMetadata(request.AdditionalMetaKey, request.AdditionalMetaValue);
        }
        else
        {
            throw EngineErrors.Invalid("either workflow run id or additional meta key-value must be provided");
        }

        if (!engine.Runs.SubscribeEvents(subscriber))
        {
            return;
        }

        try
        {
            var reader = subscriber.Events.Reader;
            while (true)
            {
                if (!await WaitForEventsAsync(subscriber, context.CancellationToken).ConfigureAwait(false))
                {
                    if (!reader.Completion.IsCompleted)
                    {
                        engine.Runs.SendOverdue(subscriber);
                        continue;
                    }

                    break;
                }

                while (reader.TryRead(out var evt))
                {
                    if (evt is not null)
                    {
                        responseStream.WriteOptions = reader.TryPeek(out _) ? BufferHint : null;
                        await responseStream.WriteAsync(WorkflowEventMapper.ToWire(evt), context.CancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            engine.Runs.UnsubscribeEvents(subscriber);
        }
    }

    public override Task<WorkerUnsubscribeResponse> Unsubscribe(WorkerUnsubscribeRequest request, ServerCallContext context)
    {
        engine.Workers.Unsubscribe(request.WorkerId);
        return Task.FromResult(new WorkerUnsubscribeResponse { TenantId = engine.TenantId, WorkerId = request.WorkerId });
    }

    public override Task<RefreshTimeoutResponse> RefreshTimeout(RefreshTimeoutRequest request, ServerCallContext context) =>
        Task.FromResult(new RefreshTimeoutResponse { TimeoutAt = Timestamp.FromDateTimeOffset(engine.Tasks.RefreshTimeout(request.TaskRunExternalId, request.IncrementTimeoutBy)) });

    public override Task<ReleaseSlotResponse> ReleaseSlot(ReleaseSlotRequest request, ServerCallContext context)
    {
        engine.Tasks.ReleaseSlot(request.TaskRunExternalId);
        return Task.FromResult(new ReleaseSlotResponse());
    }

    public override Task<UpsertWorkerLabelsResponse> UpsertWorkerLabels(UpsertWorkerLabelsRequest request, ServerCallContext context)
    {
        engine.Workers.UpsertLabels(request.WorkerId, WorkerRequestMapper.Labels(request.Labels));
        return Task.FromResult(new UpsertWorkerLabelsResponse { TenantId = engine.TenantId, WorkerId = request.WorkerId });
    }

    /// <summary>Waits for events to write, or for held chunks to fall due (then answers <see langword="false"/>, as at the end).</summary>
    private async Task<bool> WaitForEventsAsync(EventSubscriber subscriber, CancellationToken cancellationToken)
    {
        if (engine.Runs.HeldUntil(subscriber) is not { } due)
        {
            return await subscriber.Events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }

        var delay = due - options.TimeProvider.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(delay, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await subscriber.Events.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public override Task<OverridesDataResponse> PutOverridesData(OverridesData request, ServerCallContext context) =>
        Task.FromResult(new OverridesDataResponse());
}

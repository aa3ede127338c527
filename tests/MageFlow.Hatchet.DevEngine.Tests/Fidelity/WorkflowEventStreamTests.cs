using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// <c>SubscribeToWorkflowEvents</c> and <c>PutStreamEvent</c> as Hatchet serves them (internal/services/dispatcher/server.go,
/// subscribeToWorkflowEventsByWorkflowRunIdV1 and StreamEventBuffer; tenant_stream_events.go for the event shapes;
/// internal/services/ingestor/server_v1.go for PutStreamEvent): a run subscription gets each task's chunks in
/// <c>event_index</c> order (early ones held until the gap fills, the task ends or the buffer times out), chunks without an
/// index at once, the task's end, and last the run's end with <c>hangup</c>; a metadata subscription follows every
/// matching run. Chunks are not kept, so each test waits for the engine to accept its subscription first.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class WorkflowEventStreamTests(EngineFixture fixture)
{
    [Fact]
    public async Task RunSubscription_ChunksArrivingOutOfOrder_AreSentByIndexThenTaskEndThenRunEndWithHangup()
    {
        var (name, worker) = await DefineAsync("order");
        await using var _ = worker;
        var runId = await fixture.TriggerAsync(name);
        var action = await worker.NextAsync();
        var events = await SubscribeAsync(new SubscribeToWorkflowEventsRequest { WorkflowRunId = runId });

        await PutAsync(action, "c2", 2);
        await PutAsync(action, "c0", 0);
        await PutAsync(action, "free", null);
        await PutAsync(action, "c1", 1);
        await PutAsync(action, "c4", 4); // its gap never fills: the task's end sends it
        await worker.CompleteAsync(action, "{\"done\":true}");

        var got = await events;
        Assert.Equal(
            ["STREAM c0", "STREAM free", "STREAM c1", "STREAM c2", "STREAM c4", "COMPLETED {\"done\":true}", "RUN COMPLETED"],
            got.Select(Describe));
        Assert.All(got, e => Assert.Equal(runId, e.WorkflowRunId));
        Assert.All(got[..^1], e => Assert.Equal(action.TaskRunExternalId, e.ResourceId));
        Assert.Equal([0L, 1L, 2L, 4L], got.Where(e => e.HasEventIndex).Select(e => e.EventIndex));
        Assert.Equal([false, false, false, false, false, false, true], got.Select(e => e.Hangup));
        Assert.Equal(0, got[5].RetryCount);
    }

    [Fact]
    public async Task RunSubscription_GapThatNeverFills_SendsHeldChunksAfterTheBufferTimeout()
    {
        var (name, worker) = await DefineAsync("gap");
        await using var _ = worker;
        var runId = await fixture.TriggerAsync(name);
        var action = await worker.NextAsync();

        // Read before the call: the engine may accept the stream before a read placed after it.
        var opened = fixture.Engine.Counters.EventStreamsOpened;
        var call = fixture.Dispatcher.SubscribeToWorkflowEvents(new SubscribeToWorkflowEventsRequest { WorkflowRunId = runId }, fixture.Auth);
        await WaitForSubscriptionAsync(opened);

        // Index 0 never comes: Hatchet holds 1 and 2 for its buffer timeout (5 s), then sends them while the task still runs.
        await PutAsync(action, "c1", 1);
        await PutAsync(action, "c2", 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("STREAM c1", Describe(call.ResponseStream.Current));
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("STREAM c2", Describe(call.ResponseStream.Current));

        // The order then starts afresh from the next chunk.
        await PutAsync(action, "c3", 3);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("STREAM c3", Describe(call.ResponseStream.Current));
        await worker.FailAsync(action, "boom", shouldNotRetry: true);
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("FAILED boom", Describe(call.ResponseStream.Current));
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("RUN FAILED", Describe(call.ResponseStream.Current));
        Assert.False(await call.ResponseStream.MoveNext(cts.Token));
        call.Dispose();
    }

    [Fact]
    public async Task MetadataSubscription_FollowsMatchingRunsOnlyAndHangsUpWhenNoneIsActive()
    {
        var (name, worker) = await DefineAsync("meta");
        await using var _ = worker;
        var key = Unique("k");
        var a = await fixture.TriggerAsync(name, metadata: $"{{\"{key}\":\"yes\"}}");
        var b = await fixture.TriggerAsync(name, metadata: $"{{\"{key}\":\"yes\"}}");
        var other = await fixture.TriggerAsync(name, metadata: $"{{\"{key}\":\"no\"}}");
        var actions = new Dictionary<string, AssignedAction>();
        for (var i = 0; i < 3; i++)
        {
            var next = await worker.NextAsync();
            actions[next.WorkflowRunId] = next;
        }

        var events = await SubscribeAsync(new SubscribeToWorkflowEventsRequest { AdditionalMetaKey = key, AdditionalMetaValue = "yes" });
        await PutAsync(actions[a], "from a", 0);
        await PutAsync(actions[other], "from other", 0);
        await PutAsync(actions[b], "from b", 0);
        await worker.CompleteAsync(actions[other], "{}");
        await worker.CompleteAsync(actions[a], "{}");
        await worker.CompleteAsync(actions[b], "{}");

        var got = await events;
        Assert.Equal(
            [(a, "STREAM from a"), (b, "STREAM from b"), (a, "COMPLETED {}"), (a, "RUN COMPLETED"), (b, "COMPLETED {}"), (b, "RUN COMPLETED")],
            got.Select(e => (e.WorkflowRunId, Describe(e))));
        Assert.Equal([false, false, false, false, false, true], got.Select(e => e.Hangup));
    }

    [Fact]
    public async Task Subscribe_FinishedUnknownOrMalformedRun_EndsAtOnceOrIsRefused()
    {
        var (name, worker) = await DefineAsync("refuse");
        await using var _ = worker;
        var runId = await fixture.TriggerAsync(name);
        await worker.CompleteAsync(await worker.NextAsync(), "{}");
        await fixture.WaitDoneAsync(runId);

        using (var finished = fixture.Dispatcher.SubscribeToWorkflowEvents(new SubscribeToWorkflowEventsRequest { WorkflowRunId = runId }, fixture.Auth))
        {
            Assert.False(await finished.ResponseStream.MoveNext());
        }

        Assert.Equal(StatusCode.NotFound, await RefusalAsync(new SubscribeToWorkflowEventsRequest { WorkflowRunId = Guid.NewGuid().ToString() }));
        Assert.Equal(StatusCode.InvalidArgument, await RefusalAsync(new SubscribeToWorkflowEventsRequest { WorkflowRunId = "not-a-uuid" }));
        Assert.Equal(StatusCode.InvalidArgument, await RefusalAsync(new SubscribeToWorkflowEventsRequest { AdditionalMetaKey = "only-a-key" }));
        var put = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Events.PutStreamEventAsync(
            new PutStreamEventRequest { TaskRunExternalId = Guid.NewGuid().ToString(), Message = ByteString.CopyFromUtf8("x") }, fixture.Auth));
        Assert.Equal(StatusCode.NotFound, put.StatusCode);
    }

    private static string Describe(WorkflowEvent e) => (e.ResourceType, e.EventType) switch
    {
        (ResourceType.StepRun, ResourceEventType.Stream) => "STREAM " + e.EventPayload,
        (ResourceType.StepRun, var t) => $"{t.ToString().ToUpperInvariant()} {e.EventPayload}",
        (ResourceType.WorkflowRun, var t) => "RUN " + t.ToString().ToUpperInvariant(),
        _ => "?",
    };

    private async Task<(string Name, RawWorker Worker)> DefineAsync(string what)
    {
        var name = Unique(what);
        await fixture.PutAsync(Define(name, TaskOpts("t", name + ":t")));
        return (name, await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]));
    }

    /// <summary>Opens a subscription, waits until the engine follows it, and reads it to its end in the background.</summary>
    private async Task<Task<List<WorkflowEvent>>> SubscribeAsync(SubscribeToWorkflowEventsRequest request)
    {
        var opened = fixture.Engine.Counters.EventStreamsOpened;
        var reading = ReadAllAsync(request);
        await WaitForSubscriptionAsync(opened);
        return reading;
    }

    private async Task<List<WorkflowEvent>> ReadAllAsync(SubscribeToWorkflowEventsRequest request)
    {
        using var call = fixture.Dispatcher.SubscribeToWorkflowEvents(request, fixture.Auth);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var list = new List<WorkflowEvent>();
        while (await call.ResponseStream.MoveNext(cts.Token))
        {
            list.Add(call.ResponseStream.Current);
        }

        return list;
    }

    private Task WaitForSubscriptionAsync(long openedBefore) =>
        Poll.UntilAsync(() => fixture.Engine.Counters.EventStreamsOpened > openedBefore, "the engine to accept the subscription");

    private async Task<StatusCode> RefusalAsync(SubscribeToWorkflowEventsRequest request)
    {
        using var call = fixture.Dispatcher.SubscribeToWorkflowEvents(request, fixture.Auth);
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        return e.StatusCode;
    }

    private async Task PutAsync(AssignedAction action, string text, long? index)
    {
        var request = new PutStreamEventRequest
        {
            TaskRunExternalId = action.TaskRunExternalId,
            CreatedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            Message = ByteString.CopyFromUtf8(text),
        };
        if (index is { } i)
        {
            request.EventIndex = i;
        }

        await fixture.Events.PutStreamEventAsync(request, fixture.Auth);
    }
}

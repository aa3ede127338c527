using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace MageFlow.Hatchet.DevEngine.Tests.Wire;

/// <summary>
/// The <c>DurableTask</c> stream on the wire: the invocation count a durable task's assignment carries, the answers to
/// memo and wait calls (with event lookback), and requests the engine refuses. A refused call is answered on the stream with an error naming
/// the task and the reason, and the stream goes on serving; a stale invocation is told to evict; a bad
/// <c>register_worker</c> ends the stream with its status.
/// </summary>
public sealed class DurableTaskStreamTests : IAsyncLifetime
{
    private ClockedEngine _engine = null!;
    private GrpcChannel _channel = null!;
    private RawWorker _worker = null!;
    private AssignedAction _action = null!;

    public async Task InitializeAsync()
    {
        _engine = await ClockedEngine.StartAsync();
        _channel = GrpcChannel.ForAddress(_engine.Engine.GrpcAddress);
        var name = Unique("durable");
        var task = TaskOpts("t", name + ":t");
        task.IsDurable = true;
        await _engine.PutAsync(Define(name, task));
        _worker = await RawWorker.StartAsync(_engine, Unique("w"), [name + ":t"]);
        await _engine.TriggerAsync(name);
        _action = await _worker.NextAsync();
    }

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _channel.Dispose();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task Assignment_CarriesTheFirstInvocation_AndAMemoIsTheLogsFirstNode()
    {
        Assert.Equal(1, _action.DurableTaskInvocationCount);
        using var stream = await OpenAsync(_worker.WorkerId);

        var ack = await stream.CallAsync(Memo(_action.TaskRunExternalId, 1));

        Assert.Equal(1, ack.MemoAck.Ref.NodeId);
        Assert.Equal(1, ack.MemoAck.Ref.BranchId);
        Assert.False(ack.MemoAck.MemoAlreadyExisted);
    }

    [Fact]
    public async Task MalformedAndUnknownTasks_AreRefusedOnTheStream_WhichGoesOnServing()
    {
        using var stream = await OpenAsync(_worker.WorkerId);

        var malformed = (await stream.CallAsync(Memo("not-a-uuid", 1))).Error;
        Assert.Equal(DurableTaskErrorType.Unspecified, malformed.ErrorType);
        Assert.Equal("not-a-uuid", malformed.Ref.DurableTaskExternalId);
        Assert.Contains("InvalidArgument", malformed.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("is not a uuid", malformed.ErrorMessage, StringComparison.Ordinal);

        var unknownId = Guid.NewGuid().ToString();
        var unknown = (await stream.CallAsync(Memo(unknownId, 1))).Error;
        Assert.Equal(unknownId, unknown.Ref.DurableTaskExternalId);
        Assert.Contains($"NotFound: task not found: {unknownId}", unknown.ErrorMessage, StringComparison.Ordinal);

        var badGroup = new DurableTaskWaitForRequest { DurableTaskExternalId = _action.TaskRunExternalId, InvocationCount = 1, WaitForConditions = new DurableEventListenerConditions() };
        badGroup.WaitForConditions.SleepConditions.Add(new SleepMatchCondition { Base = new BaseMatchCondition { ReadableDataKey = "s", OrGroupId = "x" }, SleepFor = "5s" });
        var refused = (await stream.CallAsync(new DurableTaskRequest { WaitFor = badGroup })).Error;
        Assert.Contains("or group id is not a valid uuid", refused.ErrorMessage, StringComparison.Ordinal);

        // None of those was recorded: the task's first call is still node 1.
        var ack = await stream.CallAsync(Memo(_action.TaskRunExternalId, 1));
        Assert.Equal(1, ack.MemoAck.Ref.NodeId);
    }

    [Fact]
    public async Task WaitFor_WithLookback_IsSatisfiedByTheNewestEarlierEventOfItsKeyAndScope()
    {
        var since = _engine.Clock.GetUtcNow();
        await _engine.Events.PushAsync(new PushEventRequest { Key = "paid", Payload = "{\"n\":1}", Scope = "s1", EventTimestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(since) }, _engine.Auth);
        await _engine.Events.PushAsync(new PushEventRequest { Key = "paid", Payload = "{\"n\":2}", Scope = "s1", EventTimestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(since) }, _engine.Auth);
        await _engine.Events.PushAsync(new PushEventRequest { Key = "paid", Payload = "{\"n\":3}", Scope = "other", EventTimestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(since) }, _engine.Auth);
        using var stream = await OpenAsync(_worker.WorkerId);

        var wait = new DurableTaskWaitForRequest { DurableTaskExternalId = _action.TaskRunExternalId, InvocationCount = 1, WaitForConditions = new DurableEventListenerConditions() };
        wait.WaitForConditions.UserEventConditions.Add(new UserEventMatchCondition
        {
            Base = new BaseMatchCondition { ReadableDataKey = "paid", OrGroupId = Guid.NewGuid().ToString() },
            UserEventKey = "paid",
            EventScope = "s1",
            ConsiderEventsSince = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(since),
        });
        var ack = await stream.CallAsync(new DurableTaskRequest { WaitFor = wait });
        Assert.Equal(1, ack.WaitForAck.Ref.NodeId);

        var completed = (await stream.ReadAsync()).EntryCompleted;
        Assert.Equal(1, completed.Ref.NodeId);
        Assert.Equal("{\"CREATE\":{\"paid\":[{\"n\":2}]}}", completed.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task StaleInvocation_IsToldToEvict_AndRecordsNothing()
    {
        using var stream = await OpenAsync(_worker.WorkerId);

        var evict = (await stream.CallAsync(Memo(_action.TaskRunExternalId, 7))).ServerEvict;

        Assert.Equal(_action.TaskRunExternalId, evict.DurableTaskExternalId);
        Assert.Equal(7, evict.InvocationCount);
        Assert.Contains("server has 1, worker sent 7", evict.Reason, StringComparison.Ordinal);
        Assert.Equal(1, (await stream.CallAsync(Memo(_action.TaskRunExternalId, 1))).MemoAck.Ref.NodeId);
    }

    [Fact]
    public async Task TaskOfAnotherWorker_IsRefused()
    {
        await using var other = await RawWorker.StartAsync(_engine, Unique("other"), ["nothing:t"]);
        using var stream = await OpenAsync(other.WorkerId);

        var error = (await stream.CallAsync(Memo(_action.TaskRunExternalId, 1))).Error;

        Assert.Contains($"is assigned to worker {_worker.WorkerId}, not to this stream's worker {other.WorkerId}", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterWorker_MalformedOrUnknown_EndsTheStreamWithItsStatus()
    {
        var malformed = await Assert.ThrowsAsync<RpcException>(() => OpenAsync("nope"));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Contains("invalid worker id", malformed.Status.Detail, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => OpenAsync(Guid.NewGuid().ToString()));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    private static DurableTaskRequest Memo(string taskId, int invocation) => new()
    {
        Memo = new DurableTaskMemoRequest { DurableTaskExternalId = taskId, InvocationCount = invocation, Key = ByteString.CopyFromUtf8("k") },
    };

    private async Task<Stream> OpenAsync(string workerId)
    {
        var call = new V1Dispatcher.V1DispatcherClient(_channel).DurableTask(_engine.Auth);
        var stream = new Stream(call);
        try
        {
            var registered = await stream.CallAsync(new DurableTaskRequest { RegisterWorker = new DurableTaskRequestRegisterWorker { WorkerId = workerId } });
            Assert.Equal(workerId, registered.RegisterWorker.WorkerId);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private sealed class Stream(AsyncDuplexStreamingCall<DurableTaskRequest, DurableTaskResponse> call) : IDisposable
    {
        public async Task<DurableTaskResponse> CallAsync(DurableTaskRequest request)
        {
            await call.RequestStream.WriteAsync(request);
            return await ReadAsync();
        }

        public async Task<DurableTaskResponse> ReadAsync()
        {
            using var timeout = new CancellationTokenSource(Wait);
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the stream ended");
            return call.ResponseStream.Current;
        }

        public void Dispose() => call.Dispose();
    }
}

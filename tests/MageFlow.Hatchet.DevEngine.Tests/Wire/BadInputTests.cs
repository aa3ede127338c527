using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace MageFlow.Hatchet.DevEngine.Tests.Wire;

/// <summary>Each bad input gets a precise status and message, and the engine keeps serving.</summary>
[Collection(EngineCollection.Name)]
public sealed class BadInputTests(EngineFixture fixture)
{
    [Fact]
    public async Task TriggerWorkflow_UnknownName_NotFoundNamingTheWorkflow()
    {
        var name = Unique("nope");
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains(name, e.Status.Detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task PutWorkflow_DuplicateTaskNames_InvalidArgument()
    {
        var e = await PutInvalidAsync(Define(Unique("dup"), TaskOpts("a", "x:a"), TaskOpts("a", "x:b")));
        Assert.Contains("two tasks named 'a'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutWorkflow_UnknownParent_InvalidArgument()
    {
        var e = await PutInvalidAsync(Define(Unique("parent"), TaskOpts("a", "x:a"), TaskOpts("b", "x:b", "ghost")));
        Assert.Contains("unknown parent 'ghost'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutWorkflow_Cycle_InvalidArgumentNamingTheCycle()
    {
        var e = await PutInvalidAsync(Define(Unique("cycle"), TaskOpts("a", "x:a", "c"), TaskOpts("b", "x:b", "a"), TaskOpts("c", "x:c", "b")));
        Assert.Contains("cycle", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("a -> b -> c -> a", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutWorkflow_UnsupportedConcurrencyExpression_InvalidArgumentNamingTheExpression()
    {
        var wf = Define(Unique("cel"), TaskOpts("a", "x:a"));
        wf.ConcurrencyArr.Add(new Concurrency { Expression = "input.a + input.b", MaxRuns = 1, LimitStrategy = ConcurrencyLimitStrategy.GroupRoundRobin });
        var e = await PutInvalidAsync(wf);
        Assert.Contains("'input.a + input.b'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutWorkflow_BadTimeout_InvalidArgument()
    {
        var task = TaskOpts("a", "x:a");
        task.Timeout = "soon";
        var e = await PutInvalidAsync(Define(Unique("timeout"), task));
        Assert.Contains("'soon'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TriggerWorkflow_NonJsonInput_InvalidArgument()
    {
        var name = await RegisterAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{not json" }, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("not valid JSON", e.Status.Detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task TriggerWorkflow_NonObjectInput_InvalidArgument()
    {
        var name = await RegisterAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "[1,2]" }, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("must be a JSON object", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkTrigger_OneBadItem_CreatesNothingAndNamesTheItem()
    {
        var name = await RegisterAsync();
        var before = fixture.Engine.Counters.RunsCreated;
        var bulk = new BulkTriggerWorkflowRequest();
        bulk.Workflows.Add(new TriggerWorkflowRequest { Name = name, Input = "{}" });
        bulk.Workflows.Add(new TriggerWorkflowRequest { Name = name, Input = "oops" });
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Workflows.BulkTriggerWorkflowAsync(bulk, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("workflows[1]:", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Engine.Counters.RunsCreated);
    }

    [Fact]
    public async Task TriggerWorkflow_OversizedPayload_ResourceExhausted()
    {
        var name = await RegisterAsync();
        var big = "{\"blob\":\"" + new string('x', 5 * 1024 * 1024) + "\"}";
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = big }, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
        Assert.Contains("maximum", e.Status.Detail, StringComparison.OrdinalIgnoreCase);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task TriggerWorkflow_InvalidUtf8InMetadata_InternalAsHatchetsGrpcServer()
    {
        // Protobuf strings must be UTF-8, so the request is written by hand: field 7 (additional_metadata) holds C3 28.
        var name = await RegisterAsync();
        var body = new TriggerWorkflowRequest { Name = name, Input = "{}" }.ToByteArray();
        byte[] metadata = [.. "{\"k\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        var raw = new Method<byte[], byte[]>(MethodType.Unary, "WorkflowService", "TriggerWorkflow", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Channel.CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(fixture.Auth), [.. body, 0x3A, (byte)metadata.Length, .. metadata]).ResponseAsync);
        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.Equal("grpc: error unmarshalling request: string field contains invalid UTF-8", e.Status.Detail);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task SendStepActionEvent_UnknownWorker_NotFound()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Dispatcher.SendStepActionEventAsync(
            new StepActionEvent { WorkerId = Guid.NewGuid().ToString(), TaskRunExternalId = Guid.NewGuid().ToString(), EventType = StepActionEventType.StepEventTypeCompleted, EventPayload = "{}" },
            fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("unknown worker", e.Status.Detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task SendStepActionEvent_UnknownTask_NotFound()
    {
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), ["x:y"]);
        var id = Guid.NewGuid().ToString();
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Dispatcher.SendStepActionEventAsync(
            new StepActionEvent { WorkerId = worker.WorkerId, TaskRunExternalId = id, EventType = StepActionEventType.StepEventTypeCompleted, EventPayload = "{}" },
            fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains(id, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeat_WithoutListenStream_FailedPrecondition()
    {
        var reg = await fixture.Dispatcher.RegisterAsync(new WorkerRegisterRequest { WorkerName = Unique("hb") }, fixture.Auth);
        await Task.Delay(1); // registration alone opens no stream
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Dispatcher.HeartbeatAsync(new HeartbeatRequest { WorkerId = reg.WorkerId }, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
    }

    [Fact]
    public async Task Heartbeat_UnknownWorker_NotFound()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Dispatcher.HeartbeatAsync(new HeartbeatRequest { WorkerId = Guid.NewGuid().ToString() }, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Register_SlotsAndSlotConfigBoth_InvalidArgument()
    {
        var r = new WorkerRegisterRequest { WorkerName = Unique("both"), Slots = 5 };
        r.SlotConfig["default"] = 5;
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Dispatcher.RegisterAsync(r, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }

    [Fact]
    public async Task AnyCall_MissingToken_Unauthenticated()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Dispatcher.GetVersionAsync(new GetVersionRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("authorization", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_ForeignToken_UnauthenticatedWithoutEchoingIt()
    {
        await using var other = await HatchetDevEngine.StartAsync();
        var foreign = other.Token;
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Dispatcher.GetVersionAsync(new GetVersionRequest(), new Metadata { { "authorization", "bearer " + foreign } }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("not issued by this engine", e.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(foreign, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetVersion_ReportsTheHatchetVersionWhoseProtocolTheEngineServes()
    {
        // The official SDKs register workers with slot_config from v0.78.23 and open the DurableTask event-log stream from
        // v0.80.0 (TypeScript 1.33.2, v1/client/worker/engine-version.js); the dev engine serves both, as v0.104.7 does.
        var v = await fixture.Dispatcher.GetVersionAsync(new GetVersionRequest(), fixture.Auth);
        Assert.Equal("v0.104.7", v.Version);
    }

    [Fact]
    public async Task GetRunDetails_NotAUuid_InvalidArgument_UnknownRun_NotFound()
    {
        var bad = await Assert.ThrowsAsync<RpcException>(() => fixture.Admin.GetRunDetailsAsync(new GetRunDetailsRequest { ExternalId = "x" }, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        var missing = await Assert.ThrowsAsync<RpcException>(() => fixture.Admin.GetRunDetailsAsync(new GetRunDetailsRequest { ExternalId = Guid.NewGuid().ToString() }, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Engine_AcceptsGzipCompressedRequests()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Engine.GrpcAddress);
        var client = new Dispatcher.DispatcherClient(channel);
        var headers = new Metadata { { "authorization", "bearer " + fixture.Engine.Token }, { "grpc-internal-encoding-request", "gzip" } };
        var v = await client.GetVersionAsync(new GetVersionRequest(), headers);
        Assert.False(string.IsNullOrEmpty(v.Version));
    }

    private async Task<RpcException> PutInvalidAsync(CreateWorkflowVersionRequest wf)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Admin.PutWorkflowAsync(wf, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(wf.Name, e.Status.Detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
        return e;
    }

    private async Task<string> RegisterAsync()
    {
        var name = Unique("ok");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("t", name + ":t")), fixture.Auth);
        return name;
    }

    private async Task AssertStillServingAsync()
    {
        var name = await RegisterAsync();
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        Assert.True(Guid.TryParse(run.WorkflowRunId, out _));
    }
}

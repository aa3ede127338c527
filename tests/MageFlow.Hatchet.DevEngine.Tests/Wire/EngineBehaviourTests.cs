using System.Text.Json;
using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Wire;

/// <summary>Engine behaviours checked with a worker written straight against the protocol.</summary>
[Collection(EngineCollection.Name)]
public sealed class EngineBehaviourTests(EngineFixture fixture)
{
    [Fact]
    public async Task Dispatch_SingleTask_PayloadShapeAndRunIdEqualsTaskId()
    {
        var name = Unique("shape");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("only", name + ":only")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":only"]);
        var meta = "{\"team\":\"blue\"}";
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{\"n\":7}", AdditionalMetadata = meta }, fixture.Auth);

        var action = await worker.NextAsync();
        Assert.Equal(run.WorkflowRunId, action.WorkflowRunId);
        Assert.Equal(run.WorkflowRunId, action.TaskRunExternalId);
        Assert.Equal(name + ":only", action.ActionId);
        Assert.Equal(0, action.RetryCount);
        using var payload = JsonDocument.Parse(action.ActionPayload);
        Assert.Equal(7, payload.RootElement.GetProperty("input").GetProperty("n").GetInt32());
        Assert.Equal("manual", payload.RootElement.GetProperty("triggered_by").GetString());
        Assert.Equal(JsonValueKind.Object, payload.RootElement.GetProperty("parents").ValueKind);
        Assert.Equal("blue", JsonDocument.Parse(action.AdditionalMetadata).RootElement.GetProperty("team").GetString());

        await worker.CompleteAsync(action, "{\"ok\":true}");
        var details = await WaitDoneAsync(run.WorkflowRunId);
        Assert.Equal(RunStatus.Completed, details.Status);
        Assert.Equal("{\"ok\":true}", details.TaskRuns["only"].Output.ToStringUtf8());
    }

    [Fact]
    public async Task Dag_ThreeTasks_ChildGetsParentOutputs()
    {
        var name = Unique("dag");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("a", name + ":a"), TaskOpts("b", name + ":b", "a"), TaskOpts("c", name + ":c", "a", "b")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":a", name + ":b", name + ":c"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);

        var a = await worker.NextAsync();
        Assert.Equal("a", a.TaskName);
        Assert.NotEqual(run.WorkflowRunId, a.TaskRunExternalId);
        await worker.CompleteAsync(a, "{\"v\":1}");
        var b = await worker.NextAsync();
        Assert.Equal("b", b.TaskName);
        await worker.CompleteAsync(b, "{\"v\":2}");
        var c = await worker.NextAsync();
        using var payload = JsonDocument.Parse(c.ActionPayload);
        Assert.Equal(1, payload.RootElement.GetProperty("parents").GetProperty("a").GetProperty("v").GetInt32());
        Assert.Equal(2, payload.RootElement.GetProperty("parents").GetProperty("b").GetProperty("v").GetInt32());
        await worker.CompleteAsync(c, "{}");
        Assert.Equal(RunStatus.Completed, (await WaitDoneAsync(run.WorkflowRunId)).Status);
    }

    [Fact]
    public async Task Retries_FailingTask_RetriedWithIncreasingRetryCountThenFails()
    {
        var name = Unique("retry");
        var task = TaskOpts("t", name + ":t");
        task.Retries = 2;
        await fixture.Admin.PutWorkflowAsync(Define(name, task), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);

        for (var attempt = 0; attempt <= 2; attempt++)
        {
            var action = await worker.NextAsync();
            Assert.Equal(attempt, action.RetryCount);
            await worker.FailAsync(action, $"boom {attempt}");
        }

        var details = await WaitDoneAsync(run.WorkflowRunId);
        Assert.Equal(RunStatus.Failed, details.Status);
        Assert.Equal("boom 2", details.TaskRuns["t"].Error);
    }

    [Fact]
    public async Task Retries_ShouldNotRetry_FailsAtOnce()
    {
        var name = Unique("nonretry");
        var task = TaskOpts("t", name + ":t");
        task.Retries = 5;
        await fixture.Admin.PutWorkflowAsync(Define(name, task), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        await worker.FailAsync(await worker.NextAsync(), "fatal", shouldNotRetry: true);
        var details = await WaitDoneAsync(run.WorkflowRunId);
        Assert.Equal(RunStatus.Failed, details.Status);
        Assert.Equal(0, worker.Actions.Reader.Count);
    }

    [Fact]
    public async Task Completed_InvalidJsonOutput_TurnsIntoFailure()
    {
        var name = Unique("badout");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("t", name + ":t")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        await worker.CompleteAsync(await worker.NextAsync(), "{not json");
        var details = await WaitDoneAsync(run.WorkflowRunId);
        Assert.Equal(RunStatus.Failed, details.Status);
        Assert.Contains("not valid JSON", details.TaskRuns["t"].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Children_SameIndexTwice_Deduped_AndMetadataInherited()
    {
        var parentName = Unique("parent");
        var childName = Unique("child");
        await fixture.Admin.PutWorkflowAsync(Define(parentName, TaskOpts("p", parentName + ":p")), fixture.Auth);
        await fixture.Admin.PutWorkflowAsync(Define(childName, TaskOpts("c", childName + ":c")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [parentName + ":p", childName + ":c"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = parentName, Input = "{}", AdditionalMetadata = "{\"tenant\":\"acme\",\"hatchet__x\":\"no\"}" }, fixture.Auth);
        var p = await worker.NextAsync();

        var spawn = new TriggerWorkflowRequest
        {
            Name = childName,
            Input = "{}",
            ParentId = p.WorkflowRunId,
            ParentTaskRunExternalId = p.TaskRunExternalId,
            ChildIndex = 0,
            AdditionalMetadata = "{\"own\":1}",
        };
        var first = await fixture.Workflows.TriggerWorkflowAsync(spawn, fixture.Auth);
        var second = await fixture.Workflows.TriggerWorkflowAsync(spawn, fixture.Auth);
        Assert.Equal(first.WorkflowRunId, second.WorkflowRunId);

        var c = await worker.NextAsync();
        Assert.Equal(first.WorkflowRunId, c.WorkflowRunId);
        Assert.Equal(0, c.ChildWorkflowIndex);
        Assert.Equal(p.TaskRunExternalId, c.ParentWorkflowRunId);
        using var meta = JsonDocument.Parse(c.AdditionalMetadata);
        Assert.Equal("acme", meta.RootElement.GetProperty("tenant").GetString());
        Assert.Equal(1, meta.RootElement.GetProperty("own").GetInt32());
        Assert.False(meta.RootElement.TryGetProperty("hatchet__x", out _));
        Assert.Equal(p.WorkflowRunId, meta.RootElement.GetProperty("hatchet__parent_workflow_run_id").GetString());
        Assert.Equal(p.TaskRunExternalId, meta.RootElement.GetProperty("hatchet__parent_step_run_id").GetString());

        await worker.CompleteAsync(c, "{\"child\":true}");
        await worker.CompleteAsync(p, "{}");
        Assert.Equal(RunStatus.Completed, (await WaitDoneAsync(run.WorkflowRunId)).Status);
    }

    [Fact]
    public async Task SubscribeToWorkflowRuns_SendsOneFinishedEventPerRun()
    {
        var name = Unique("sub");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("t", name + ":t")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var r1 = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{\"i\":1}" }, fixture.Auth);
        var r2 = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{\"i\":2}" }, fixture.Auth);

        using var call = fixture.Dispatcher.SubscribeToWorkflowRuns(fixture.Auth);
        await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = r1.WorkflowRunId });
        await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = r2.WorkflowRunId });
        await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = r2.WorkflowRunId });

        var a1 = await worker.NextAsync();
        await worker.CompleteAsync(a1, "{\"done\":1}");
        var a2 = await worker.NextAsync();
        await worker.FailAsync(a2, "nope");
        await call.RequestStream.CompleteAsync();

        var events = new List<WorkflowRunEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            events.Add(e);
        }

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(WorkflowRunEventType.Finished, e.EventType));
        var byRun = events.ToDictionary(e => e.WorkflowRunId);
        Assert.Equal("{\"done\":1}", byRun[r1.WorkflowRunId].Results.Single().Output);
        Assert.Equal("nope", byRun[r2.WorkflowRunId].Results.Single().Error);
    }

    [Fact]
    public async Task OnFailure_RunsWithStepRunErrors()
    {
        var name = Unique("onfail");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.OnFailureTask = TaskOpts("on-failure", name + ":on-failure");
        await fixture.Admin.PutWorkflowAsync(wf, fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t", name + ":on-failure"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        await worker.FailAsync(await worker.NextAsync(), "broken");
        var onFailure = await worker.NextAsync();
        Assert.Equal("on-failure", onFailure.TaskName);
        using var payload = JsonDocument.Parse(onFailure.ActionPayload);
        Assert.Equal("broken", payload.RootElement.GetProperty("step_run_errors").GetProperty("t").GetString());
        await worker.CompleteAsync(onFailure, "{\"handled\":true}");
        Assert.Equal(RunStatus.Failed, (await WaitDoneAsync(run.WorkflowRunId)).Status);
    }

    [Fact]
    public async Task Concurrency_GroupRoundRobin_LimitsRunningPerGroup()
    {
        var name = Unique("rr");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.ConcurrencyArr.Add(new Concurrency { Expression = "input.group", MaxRuns = 1, LimitStrategy = ConcurrencyLimitStrategy.GroupRoundRobin });
        await fixture.Admin.PutWorkflowAsync(wf, fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        foreach (var g in new[] { "a", "a", "b" })
        {
            await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = $"{{\"group\":\"{g}\"}}" }, fixture.Auth);
        }

        var first = await worker.NextAsync();
        var second = await worker.NextAsync();
        var groups = new[] { first, second }.Select(a => JsonDocument.Parse(a.ActionPayload).RootElement.GetProperty("input").GetProperty("group").GetString()).Order().ToArray();
        Assert.Equal(new string?[] { "a", "b" }, groups);
        Assert.Equal(0, worker.Actions.Reader.Count); // the second "a" waits for the first

        var firstA = JsonDocument.Parse(first.ActionPayload).RootElement.GetProperty("input").GetProperty("group").GetString() == "a" ? first : second;
        await worker.CompleteAsync(firstA, "{}");
        var third = await worker.NextAsync();
        Assert.Equal("a", JsonDocument.Parse(third.ActionPayload).RootElement.GetProperty("input").GetProperty("group").GetString());
    }

    [Fact]
    public async Task Concurrency_CancelInProgress_CancelsTheOlderRun()
    {
        var name = Unique("cip");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.ConcurrencyArr.Add(new Concurrency { Expression = "additional_metadata.user", MaxRuns = 1, LimitStrategy = ConcurrencyLimitStrategy.CancelInProgress });
        await fixture.Admin.PutWorkflowAsync(wf, fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var older = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}", AdditionalMetadata = "{\"user\":\"u1\"}" }, fixture.Auth);
        var running = await worker.NextAsync();
        var newer = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}", AdditionalMetadata = "{\"user\":\"u1\"}" }, fixture.Auth);

        var next = await worker.NextAsync();
        Assert.Equal(newer.WorkflowRunId, next.WorkflowRunId);
        Assert.Contains(worker.Cancels, c => c.TaskRunExternalId == running.TaskRunExternalId);
        Assert.Equal(RunStatus.Cancelled, (await WaitDoneAsync(older.WorkflowRunId)).Status);
    }

    [Fact]
    public async Task Concurrency_CancelNewest_CancelsTheNewRun()
    {
        var name = Unique("cn");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.ConcurrencyArr.Add(new Concurrency { Expression = "'all'", MaxRuns = 1, LimitStrategy = ConcurrencyLimitStrategy.CancelNewest });
        await fixture.Admin.PutWorkflowAsync(wf, fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var older = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        var running = await worker.NextAsync();
        var newer = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        Assert.Equal(RunStatus.Cancelled, (await WaitDoneAsync(newer.WorkflowRunId)).Status);
        await worker.CompleteAsync(running, "{}");
        Assert.Equal(RunStatus.Completed, (await WaitDoneAsync(older.WorkflowRunId)).Status);
    }

    [Fact]
    public async Task Cancel_RunningTask_SendsCancelStepRunAndEndsCancelled()
    {
        var name = Unique("cancel");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("t", name + ":t")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        var action = await worker.NextAsync();
        var req = new CancelTasksRequest();
        req.ExternalIds.Add(run.WorkflowRunId);
        var response = await fixture.Admin.CancelTasksAsync(req, fixture.Auth);
        Assert.Contains(action.TaskRunExternalId, response.CancelledTasks);
        Assert.Equal(RunStatus.Cancelled, (await WaitDoneAsync(run.WorkflowRunId)).Status);
        await Eventually(() => worker.Cancels.Any(c => c.TaskRunExternalId == action.TaskRunExternalId));

        // A late completion of the cancelled attempt is ignored.
        await worker.CompleteAsync(action, "{}");
        Assert.Equal(RunStatus.Cancelled, (await WaitDoneAsync(run.WorkflowRunId)).Status);
    }

    [Fact]
    public async Task ExecutionTimeout_CancelsAndFailsThenRetries()
    {
        var name = Unique("timeout");
        var task = TaskOpts("t", name + ":t");
        task.Timeout = "1s";
        task.Retries = 1;
        await fixture.Admin.PutWorkflowAsync(Define(name, task), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        var first = await worker.NextAsync();
        var retry = await worker.NextAsync();
        Assert.Equal(1, retry.RetryCount);
        Assert.Contains(worker.Cancels, c => c.TaskRunExternalId == first.TaskRunExternalId && c.RetryCount == 0);
        var details = await WaitDoneAsync(run.WorkflowRunId);
        Assert.Equal(RunStatus.Failed, details.Status);
        Assert.Contains("execution timeout", details.TaskRuns["t"].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DroppedListenStream_WorkerReconnects_RunCompletesOnce()
    {
        var name = Unique("drop");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("t", name + ":t")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var run = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{}" }, fixture.Auth);
        var action = await worker.NextAsync();
        await worker.SendAsync(action, StepActionEventType.StepEventTypeStarted, string.Empty);
        Assert.True(fixture.Engine.DropListenStreams() >= 1);
        worker.Relisten();
        await worker.CompleteAsync(action, "{\"once\":true}");
        var details = await WaitDoneAsync(run.WorkflowRunId);
        Assert.Equal(RunStatus.Completed, details.Status);
        Assert.Equal(0, worker.Actions.Reader.Count);
    }

    [Fact]
    public async Task PushEvent_TriggersWorkflowsRegisteredForTheKey()
    {
        var name = Unique("evt");
        var key = Unique("user:created");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.EventTriggers.Add(key);
        await fixture.Admin.PutWorkflowAsync(wf, fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var evt = await fixture.Events.PushAsync(new PushEventRequest { Key = key, Payload = "{\"id\":42}", AdditionalMetadata = "{\"src\":\"test\"}" }, fixture.Auth);
        var action = await worker.NextAsync();
        Assert.Equal(key, action.TriggeringEventKey);
        Assert.Equal(evt.EventId, action.TriggeringEventExternalId);
        Assert.Equal(42, JsonDocument.Parse(action.ActionPayload).RootElement.GetProperty("input").GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task ScheduleWorkflow_RunsAtTheGivenTime()
    {
        var name = Unique("sched");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("t", name + ":t")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var req = new ScheduleWorkflowRequest { Name = name, Input = "{\"later\":true}" };
        req.Schedules.Add(Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMilliseconds(300)));
        var version = await fixture.Workflows.ScheduleWorkflowAsync(req, fixture.Auth);
        Assert.Single(version.ScheduledWorkflows);
        var action = await worker.NextAsync();
        Assert.True(JsonDocument.Parse(action.ActionPayload).RootElement.GetProperty("input").GetProperty("later").GetBoolean());
    }

    private async Task<GetRunDetailsResponse> WaitDoneAsync(string runId)
    {
        GetRunDetailsResponse? details = null;
        await Eventually(async () =>
        {
            details = await fixture.Admin.GetRunDetailsAsync(new GetRunDetailsRequest { ExternalId = runId }, fixture.Auth);
            return details.Done;
        });
        return details!;
    }

    private static Task Eventually(Func<bool> condition) => Eventually(() => Task.FromResult(condition()));

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(20, cts.Token);
        }
    }
}

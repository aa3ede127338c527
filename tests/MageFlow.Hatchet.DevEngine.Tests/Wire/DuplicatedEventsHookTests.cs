using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Wire;

/// <summary>The fault hook that delivers run-finished events twice (the chaos bench's duplicated events).</summary>
[Collection(EngineCollection.Name)]
public sealed class DuplicatedEventsHookTests(EngineFixture fixture)
{
    [Fact]
    public async Task DuplicateRunFinishedEvents_NextFinishedRunIsDeliveredTwice_TheOneAfterOnce()
    {
        var name = Unique("dup");
        await fixture.Admin.PutWorkflowAsync(Define(name, TaskOpts("t", name + ":t")), fixture.Auth);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        var r1 = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{\"i\":1}" }, fixture.Auth);
        var r2 = await fixture.Workflows.TriggerWorkflowAsync(new TriggerWorkflowRequest { Name = name, Input = "{\"i\":2}" }, fixture.Auth);
        using var call = fixture.Dispatcher.SubscribeToWorkflowRuns(fixture.Auth);
        await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = r1.WorkflowRunId });
        await call.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = r2.WorkflowRunId });

        fixture.Engine.DuplicateRunFinishedEvents(1);
        var a1 = await worker.NextAsync();
        await worker.CompleteAsync(a1, "{\"done\":1}");
        var a2 = await worker.NextAsync();
        await worker.CompleteAsync(a2, "{\"done\":2}");
        await call.RequestStream.CompleteAsync();

        var events = new List<WorkflowRunEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            events.Add(e);
        }

        var first = a1.WorkflowRunId;
        var second = first == r1.WorkflowRunId ? r2.WorkflowRunId : r1.WorkflowRunId;
        Assert.Equal(2, events.Count(e => e.WorkflowRunId == first));
        Assert.Single(events, e => e.WorkflowRunId == second);
        Assert.All(events, e => Assert.Equal(WorkflowRunEventType.Finished, e.EventType));
    }

    [Fact]
    public void DuplicateRunFinishedEvents_CountBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Engine.DuplicateRunFinishedEvents(0));
}

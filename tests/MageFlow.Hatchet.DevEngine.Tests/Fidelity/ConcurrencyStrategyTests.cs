using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Hatchet accepts only the concurrency strategies CANCEL_IN_PROGRESS, GROUP_ROUND_ROBIN and CANCEL_NEWEST
/// (<c>CreateConcurrencyOpts.LimitStrategy</c>, <c>validate:"omitnil,oneof=…"</c> in pkg/repository/workflow.go) and
/// answers PutWorkflow with INVALID_ARGUMENT and the validator's text for any other. A full GROUP_ROUND_ROBIN group
/// lets waiting runs in by priority first, then oldest first (RunParentGroupRoundRobin in
/// pkg/repository/sqlcv1/concurrency.sql orders by priority DESC, sort_id ASC).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ConcurrencyStrategyTests(EngineFixture fixture)
{
    [Fact]
    public async Task PutWorkflow_QueueNewestOnTheWorkflow_InvalidArgumentWithTheValidatorsText()
    {
        var wf = Define(Unique("qn"), TaskOpts("t", "x:t"));
        wf.ConcurrencyArr.Add(new Concurrency { Expression = "input.group", MaxRuns = 1, LimitStrategy = ConcurrencyLimitStrategy.QueueNewest });
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Admin.PutWorkflowAsync(wf, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(
            "Validation failed with the following errors:\n" +
            "0: validation failed on field 'CreateWorkflowVersionOpts.Concurrency[0].LimitStrategy': on condition 'oneof' [ CANCEL_IN_PROGRESS GROUP_ROUND_ROBIN CANCEL_NEWEST ]: got 'QUEUE_NEWEST'\n",
            e.Status.Detail);
    }

    [Fact]
    public async Task PutWorkflow_DropNewestOnATask_InvalidArgumentWithTheValidatorsText()
    {
        var second = TaskOpts("second", "x:second");
        second.Concurrency.Add(new Concurrency { Expression = "'all'", MaxRuns = 2, LimitStrategy = ConcurrencyLimitStrategy.DropNewest });
        var wf = Define(Unique("dn"), TaskOpts("first", "x:first"), second);
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Admin.PutWorkflowAsync(wf, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(
            "Validation failed with the following errors:\n" +
            "0: validation failed on field 'CreateWorkflowVersionOpts.Tasks[1].Concurrency[0].LimitStrategy': on condition 'oneof' [ CANCEL_IN_PROGRESS GROUP_ROUND_ROBIN CANCEL_NEWEST ]: got 'DROP_NEWEST'\n",
            e.Status.Detail);
    }

    [Fact]
    public async Task GroupRoundRobin_OnTheWorkflow_LetsTheHighestPriorityWaiterInFirst()
    {
        var name = Unique("prio");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.ConcurrencyArr.Add(new Concurrency { Expression = "'all'", MaxRuns = 1, LimitStrategy = ConcurrencyLimitStrategy.GroupRoundRobin });
        await fixture.PutAsync(wf);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":t"]);
        await fixture.TriggerAsync(name, priority: 1);
        var holder = await worker.NextAsync();
        var older = await fixture.TriggerAsync(name, priority: 1);
        var urgent = await fixture.TriggerAsync(name, priority: 3);

        await worker.CompleteAsync(holder, "{}");
        var next = await worker.NextAsync();
        Assert.Equal(urgent, next.WorkflowRunId);
        await worker.CompleteAsync(next, "{}");
        Assert.Equal(older, (await worker.NextAsync()).WorkflowRunId);
    }
}

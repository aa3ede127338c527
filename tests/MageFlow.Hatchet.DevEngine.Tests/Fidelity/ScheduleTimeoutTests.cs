namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// A task that waits past its schedule timeout is cancelled with the reason SCHEDULING_TIMED_OUT, not failed, so no
/// on-failure task runs (the scheduler's SchedulingTimedOut results in internal/services/scheduler/v1/scheduler.go
/// become CancelledTaskMessage with V1EventTypeOlapSCHEDULINGTIMEDOUT). The wait may be for a worker or for a
/// concurrency slot: queued concurrency slots expire too (popTimedOut in pkg/scheduling/v1/concurrency/strategy.go,
/// schedule_timeout_slots in pkg/repository/sqlcv1/concurrency.sql).
/// </summary>
public sealed class ScheduleTimeoutTests
{
    private static readonly TimeSpan ScheduleTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task NoWorkerInTime_TaskIsCancelledAsSchedulingTimedOut_AndOnFailureDoesNotRun()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("sto");
        var wf = Define(name, WithScheduleTimeout(TaskOpts("t", name + ":t")));
        wf.OnFailureTask = TaskOpts("on-failure", name + ":on-failure");
        await engine.PutAsync(wf);

        // A worker that would run the on-failure task, but nothing runs the task itself.
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":on-failure"], autoHeartbeat: false);
        await worker.HeartbeatAsync();
        var runId = await engine.TriggerAsync(name);

        engine.Advance(ScheduleTimeout - TimeSpan.FromMilliseconds(100));
        Assert.False((await engine.DetailsAsync(runId)).Done);
        await worker.HeartbeatAsync();
        engine.Advance(TimeSpan.FromMilliseconds(100));

        // The timers fired within Advance: the run is settled already.
        var details = await engine.DetailsAsync(runId);
        Assert.True(details.Done);
        Assert.Equal(RunStatus.Cancelled, details.Status);
        Assert.Equal(RunStatus.Cancelled, details.TaskRuns["t"].Status);
        Assert.StartsWith("SCHEDULING_TIMED_OUT", details.TaskRuns["t"].Error, StringComparison.Ordinal);
        Assert.False(details.TaskRuns.ContainsKey("on-failure"));
        Assert.Equal(0, engine.Engine.Counters.TasksAssigned);
        Assert.Equal(0, engine.Engine.Counters.TasksFailed);
    }

    [Fact]
    public async Task WaitingForATaskConcurrencySlot_PastTheScheduleTimeout_IsCancelledAsSchedulingTimedOut()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("stc");
        var task = WithScheduleTimeout(TaskOpts("t", name + ":t"));
        task.Concurrency.Add(new Concurrency { Expression = "'all'", MaxRuns = 1, LimitStrategy = ConcurrencyLimitStrategy.GroupRoundRobin });
        await engine.PutAsync(Define(name, task));
        await AssertSecondRunTimesOutWaitingAsync(engine, name);
    }

    [Fact]
    public async Task WaitingForAWorkflowConcurrencySlot_PastTheScheduleTimeout_IsCancelledAsSchedulingTimedOut()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("stw");
        var wf = Define(name, WithScheduleTimeout(TaskOpts("t", name + ":t")));
        wf.ConcurrencyArr.Add(new Concurrency { Expression = "'all'", MaxRuns = 1, LimitStrategy = ConcurrencyLimitStrategy.GroupRoundRobin });
        await engine.PutAsync(wf);
        await AssertSecondRunTimesOutWaitingAsync(engine, name);
    }

    private static CreateTaskOpts WithScheduleTimeout(CreateTaskOpts task)
    {
        task.ScheduleTimeout = "10s";
        return task;
    }

    /// <summary>Runs one run that holds the only slot, and checks that a second one, waiting for it, times out.</summary>
    private static async Task AssertSecondRunTimesOutWaitingAsync(ClockedEngine engine, string name)
    {
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"], autoHeartbeat: false);
        await worker.HeartbeatAsync();
        var holderId = await engine.TriggerAsync(name);
        var holder = await worker.NextAsync();
        var waiterId = await engine.TriggerAsync(name);

        engine.Advance(ScheduleTimeout - TimeSpan.FromMilliseconds(100));
        Assert.False((await engine.DetailsAsync(waiterId)).Done);
        await worker.HeartbeatAsync();
        engine.Advance(TimeSpan.FromMilliseconds(100));

        var waiter = await engine.DetailsAsync(waiterId);
        Assert.True(waiter.Done);
        Assert.Equal(RunStatus.Cancelled, waiter.Status);
        Assert.StartsWith("SCHEDULING_TIMED_OUT", waiter.TaskRuns["t"].Error, StringComparison.Ordinal);

        // The slot holder is unaffected, and the timed-out run never reaches a worker once the slot frees up.
        await worker.CompleteAsync(holder, "{}");
        Assert.Equal(RunStatus.Completed, (await engine.WaitDoneAsync(holderId)).Status);
        Assert.Equal(1, engine.Engine.Counters.TasksAssigned);
    }
}

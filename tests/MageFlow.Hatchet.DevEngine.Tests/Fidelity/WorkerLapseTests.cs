namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// A worker that stops beating is no longer given work after 5 s, but its running tasks are taken back only after
/// 30 s (ListTasksToReassign in pkg/repository/sqlcv1/tasks.sql). Taking a task back is an internal failure: it raises
/// the task's retry_count but not its app retry count, at most 10 times (FailTaskInternalFailure,
/// maxInternalRetryCount), and a report about the attempt that was taken back is ignored.
/// </summary>
public sealed class WorkerLapseTests
{
    private static readonly TimeSpan PastReassign = TimeSpan.FromSeconds(31);

    [Fact]
    public async Task SilentWorker_KeepsItsTaskFor30s_ThenTheTaskMovesAsANewAttempt_AndTheOldReportIsIgnored()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("lapse");
        await engine.PutAsync(Define(name, TaskOpts("t", name + ":t")));
        await using var silent = await RawWorker.StartAsync(engine, Unique("w1"), [name + ":t"], autoHeartbeat: false);
        await silent.HeartbeatAsync();
        var runId = await engine.TriggerAsync(name);
        var lost = await silent.NextAsync();
        await silent.SendAsync(lost, StepActionEventType.StepEventTypeStarted, string.Empty);
        await using var healthy = await RawWorker.StartAsync(engine, Unique("w2"), [name + ":t"], autoHeartbeat: false);
        await healthy.HeartbeatAsync();

        // Past the 5 s heartbeat timeout the silent worker gets no new work, but keeps the task it runs.
        engine.Advance(TimeSpan.FromSeconds(6));
        await healthy.HeartbeatAsync();
        Assert.Equal(RunStatus.Running, (await engine.DetailsAsync(runId)).TaskRuns["t"].Status);
        engine.Advance(TimeSpan.FromSeconds(24));
        await healthy.HeartbeatAsync();
        Assert.Equal(1, engine.Engine.Counters.TasksAssigned);

        // Past 30 s the task goes back to the queue as a new attempt, and the healthy worker takes it.
        engine.Advance(TimeSpan.FromSeconds(1));
        await healthy.HeartbeatAsync();
        var moved = await healthy.NextAsync();
        Assert.Equal(lost.TaskRunExternalId, moved.TaskRunExternalId);
        Assert.Equal(1, moved.RetryCount);

        // The silent worker comes back and reports its attempt: too late, it is no longer the current one.
        var staleBefore = engine.Engine.Counters.StaleEvents;
        await silent.CompleteAsync(lost, "{\"by\":\"silent\"}");
        Assert.Equal(staleBefore + 1, engine.Engine.Counters.StaleEvents);
        Assert.False((await engine.DetailsAsync(runId)).Done);
        Assert.Empty(healthy.Cancels);

        await healthy.CompleteAsync(moved, "{\"by\":\"healthy\"}");
        var details = await engine.WaitDoneAsync(runId);
        Assert.Equal(RunStatus.Completed, details.Status);
        Assert.Equal("{\"by\":\"healthy\"}", details.TaskRuns["t"].Output.ToStringUtf8());
    }

    [Fact]
    public async Task Reassignment_HappensAtMostTenTimes_ThenTheTaskFailsWhateverItsRetries()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("reassign");
        var task = TaskOpts("t", name + ":t");
        task.Retries = 3;
        await engine.PutAsync(Define(name, task));
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"], autoHeartbeat: false);
        await worker.HeartbeatAsync();
        var runId = await engine.TriggerAsync(name);

        // The worker falls silent with the task 11 times; it beats again each time, so it gets the task back.
        for (var attempt = 0; attempt <= 10; attempt++)
        {
            var action = await worker.NextAsync();
            Assert.Equal(attempt, action.RetryCount);
            engine.Advance(PastReassign);
            await worker.HeartbeatAsync();
        }

        var details = await engine.WaitDoneAsync(runId);
        Assert.Equal(RunStatus.Failed, details.Status);
        Assert.Equal(RunStatus.Failed, details.TaskRuns["t"].Status);
        Assert.Equal("Task reached its maximum reassignment count", details.TaskRuns["t"].Error);
        Assert.Equal(11, engine.Engine.Counters.TasksAssigned);
        Assert.Equal(0, worker.Actions.Reader.Count);
    }

    [Fact]
    public async Task Reassignment_RaisesRetryCountButNotTheAppRetryCount_WhichAloneSpendsRetriesAndDrivesBackoff()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("counters");
        var task = TaskOpts("t", name + ":t");
        task.Retries = 1;
        task.BackoffFactor = 2;
        await engine.PutAsync(Define(name, task));
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"], autoHeartbeat: false);
        await worker.HeartbeatAsync();
        var runId = await engine.TriggerAsync(name);

        // Attempt 0 is lost with its worker: retry_count 1, app retry count still 0, no backoff.
        Assert.Equal(0, (await worker.NextAsync()).RetryCount);
        engine.Advance(PastReassign);
        await worker.HeartbeatAsync();
        var second = await worker.NextAsync();
        Assert.Equal(1, second.RetryCount);

        // Attempt 1 fails: the one app retry, after 2^1 s (the app retry count, not retry_count, is the exponent).
        await worker.FailAsync(second, "boom");
        engine.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.Equal(2, engine.Engine.Counters.TasksAssigned);
        await worker.HeartbeatAsync();
        engine.Advance(TimeSpan.FromMilliseconds(100));
        var third = await worker.NextAsync();
        Assert.Equal(2, third.RetryCount);

        // Attempt 2 fails: the retries are spent, though only one of the two earlier attempts was an app failure.
        await worker.FailAsync(third, "boom again");
        var details = await engine.WaitDoneAsync(runId);
        Assert.Equal(RunStatus.Failed, details.Status);
        Assert.Equal("boom again", details.TaskRuns["t"].Error);
        Assert.Equal(3, engine.Engine.Counters.TasksAssigned);
    }
}

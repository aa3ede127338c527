namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Hatchet backs off before a retry whenever a backoff factor is set: <c>min(max, factor^app_retry_count)</c>
/// seconds, with the max defaulting to 86,400 s (sql/schema/v1-core.sql, <c>v1_task_update_function</c>).
/// </summary>
public sealed class RetryBackoffTests
{
    [Fact]
    public async Task Backoff_FactorWithoutMax_WaitsFactorToTheRetryNumberSeconds()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("backoff");
        var task = TaskOpts("t", name + ":t");
        task.Retries = 2;
        task.BackoffFactor = 2;
        await engine.PutAsync(Define(name, task));
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"], autoHeartbeat: false);
        await worker.HeartbeatAsync();
        await engine.TriggerAsync(name);

        await worker.FailAsync(await worker.NextAsync(), "boom 0");
        var first = await RetryDueAfterAsync(engine, worker, TimeSpan.FromSeconds(2), expectedRetryCount: 1);
        await worker.FailAsync(first, "boom 1");
        await RetryDueAfterAsync(engine, worker, TimeSpan.FromSeconds(4), expectedRetryCount: 2);
    }

    [Fact]
    public async Task Backoff_FactorWithoutMax_IsCappedAtOneDay()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("cap");
        var task = TaskOpts("t", name + ":t");
        task.Retries = 2;
        task.BackoffFactor = 1000;
        await engine.PutAsync(Define(name, task));
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"], autoHeartbeat: false);
        await worker.HeartbeatAsync();
        await engine.TriggerAsync(name);

        await worker.FailAsync(await worker.NextAsync(), "boom 0");
        var first = await RetryDueAfterAsync(engine, worker, TimeSpan.FromSeconds(1000), expectedRetryCount: 1);
        await worker.FailAsync(first, "boom 1");

        // 1000^2 s is far beyond the default cap of 86,400 s.
        await RetryDueAfterAsync(engine, worker, TimeSpan.FromSeconds(86_400), expectedRetryCount: 2);
    }

    /// <summary>Checks that the retry is not assigned a moment before <paramref name="delay"/> has passed, but is then; returns it.</summary>
    private static async Task<AssignedAction> RetryDueAfterAsync(ClockedEngine engine, RawWorker worker, TimeSpan delay, int expectedRetryCount)
    {
        // Attempts 0..n-1 were assigned. A failure report is handled in one step, so a retry without backoff would
        // already be assigned here.
        var assignedBefore = expectedRetryCount;
        Assert.Equal(assignedBefore, engine.Engine.Counters.TasksAssigned);
        engine.Advance(delay - TimeSpan.FromMilliseconds(100));
        Assert.Equal(assignedBefore, engine.Engine.Counters.TasksAssigned);

        // The worker beats again so that it is schedulable when the backoff ends.
        await worker.HeartbeatAsync();
        engine.Advance(TimeSpan.FromMilliseconds(100));
        var retry = await worker.NextAsync();
        Assert.Equal(expectedRetryCount, retry.RetryCount);
        Assert.Equal(assignedBefore + 1, engine.Engine.Counters.TasksAssigned);
        return retry;
    }
}

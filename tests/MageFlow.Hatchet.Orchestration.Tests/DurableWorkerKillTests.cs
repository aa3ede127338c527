using MageFlow.Hatchet.Orchestration.Tests.RootTasks;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// Durable worker loss with a real process: the worker running a durable task is killed (kill -9) during its
/// <c>SleepForAsync</c>, another process starts, and the task resumes there after the sleep. What ran before the sleep
/// (a memo step and a spawned child) ran once; the run completes. The worker processes are
/// tests/MageFlow.Hatchet.RootWorkerHost in its durable mode (DurableHost.cs); they count their side effects in Redis.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class DurableWorkerKillTests(MageFlowFixture fixture)
{
    public sealed record Order(string Id, int Amount);

    public sealed record Outcome(string Receipt, int Charged, int Pid, int Invocation);

    [Fact]
    public async Task DurableTask_WorkerProcessKilledDuringSleep_AnotherProcessResumesAfterTheSleep_StepsBeforeItRanOnce()
    {
        var clock = new ManualClock();
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TimeProvider = clock });
        var prefix = Names.Unique("durable-kill");
        await using var caller = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));

        // Declared here only to trigger it by name: the host processes serve it.
        var order = caller.DurableTask<Order, Outcome>(prefix + "-order", (_, _) => throw new InvalidOperationException("served by the host processes"));
        var db = fixture.Redis.GetDatabase();
        async Task<long> CountAsync(string what) => (long?)await db.StringGetAsync($"durablehost:{prefix}:{what}") ?? 0;

        await using var first = await RootWorkerHostProcess.StartDurableAsync(engine.ClientEnvironment, MageFlowFixture.RedisConfiguration, prefix);
        var run = await order.RunNoWaitAsync(new Order("o1", 7));
        await RootTaskAssert.EventuallyAsync(async () => engine.Counters.DurableWaits == 1 && await CountAsync("charges") == 1);
        Assert.Equal(1, await CountAsync("starts"));
        Assert.Equal(1, await CountAsync("receipts"));

        // kill -9 during the sleep, then another process; past the sleep (and the reassign timeout) the task moves there.
        await first.KillHard();
        await using var second = await RootWorkerHostProcess.StartDurableAsync(engine.ClientEnvironment, MageFlowFixture.RedisConfiguration, prefix);
        clock.Advance(TimeSpan.FromSeconds(31));
        engine.FireDueTimers();

        var outcome = await run.ResultAsync<Outcome>().WaitAsync(Wait);
        Assert.Equal(new Outcome("receipt-o1", 14, second.Pid, 2), outcome);
        Assert.Equal(2, await CountAsync("starts"));
        Assert.Equal(1, await CountAsync("receipts"));
        Assert.Equal(1, await CountAsync("charges"));
    }
}

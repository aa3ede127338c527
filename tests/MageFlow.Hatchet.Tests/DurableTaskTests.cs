using System.Text.Json;
using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Tasks.Conditions;
using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// Durable tasks on Hatchet's older durable protocol (RegisterDurableEvent/ListenForDurableEvent): the dev engine reports
/// a version before v0.80.0, so the SDK takes that path, as against an older engine. Sleeps and event waits are kept by
/// the engine on a manual clock, and a worker that dies during a sleep (its client disposed: every stream cut, nothing
/// reported) is replaced by another that resumes the task after the sleep. The event-log protocol is in
/// DurableEventLogTests.
/// </summary>
public sealed class DurableTaskTests
{
    private const string OlderProtocol = "v0.79.0";

    public sealed record Order(string Id, int Amount);

    public sealed record Outcome(string PaidId, int Amount);

    [Fact]
    public async Task DurableTask_SleepThenWaitForEvent_ResumesOnTheEngineClockWithTheMatchingPayload()
    {
        var clock = new ManualClock();
        var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TimeProvider = clock, EngineVersion = OlderProtocol });
        await using var h = new HatchetHarness(engine, ownsEngine: true);
        var task = h.Client.DurableTask<Order, Outcome>(
            Names.Unique("checkout"),
            async (order, ctx) =>
            {
                await ctx.SleepForAsync(TimeSpan.FromSeconds(10));
                var paid = await ctx.WaitForEventAsync<Order>("order:paid", $"input.id == '{order.Id}'");
                return new Outcome(paid.Id, paid.Amount);
            });
        await h.StartWorkerAsync(slots: 1);

        var run = await task.RunNoWaitAsync(new Order("a1", 0));
        await UntilAsync(() => engine.Counters.DurableWaits == 1, "the sleep to be registered");
        clock.Advance(TimeSpan.FromSeconds(9));
        engine.FireDueTimers();
        await Task.Delay(200);
        Assert.Equal(1, engine.Counters.DurableWaits);
        clock.Advance(TimeSpan.FromSeconds(1));
        engine.FireDueTimers();
        await UntilAsync(() => engine.Counters.DurableWaits == 2, "the event wait to be registered");

        // Another order's payment does not match the expression; this order's does, and its payload is returned.
        await h.Client.Events.PushAsync("order:paid", new Order("b2", 5));
        await h.Client.Events.PushAsync("order:paid", new Order("a1", 42));
        var result = await run.ResultAsync().WaitAsync(Timeouts.Wait);
        using var doc = JsonDocument.Parse(result.Outputs.Values.Single().GetRawText());
        Assert.Equal("a1", doc.RootElement.GetProperty("paidId").GetString());
        Assert.Equal(42, doc.RootElement.GetProperty("amount").GetInt32());

        // Against an engine before v0.80.0 the SDK never opens the event-log stream.
        Assert.Equal(0, engine.Counters.DurableTaskStreams);
    }

    [Fact]
    public async Task DurableTask_WaitForOrGroup_ReturnsTheDataOfTheConditionThatHeld()
    {
        var clock = new ManualClock();
        var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TimeProvider = clock, EngineVersion = OlderProtocol });
        await using var h = new HatchetHarness(engine, ownsEngine: true);
        var task = h.Client.DurableTask<Order, Dictionary<string, JsonElement>>(
            Names.Unique("either"),
            async (_, ctx) =>
            {
                var data = await ctx.WaitForAsync([Condition.Or(new SleepCondition(TimeSpan.FromMinutes(1)), new UserEventCondition("go"))]);
                return data.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
            });
        await h.StartWorkerAsync(slots: 1);

        var run = await task.RunNoWaitAsync(new Order("x", 1));
        await UntilAsync(() => engine.Counters.DurableWaits == 1, "the wait to be registered");
        clock.Advance(TimeSpan.FromMinutes(1));
        engine.FireDueTimers();
        var result = await run.ResultAsync().WaitAsync(Timeouts.Wait);
        using var doc = JsonDocument.Parse(result.Outputs.Values.Single().GetRawText());
        Assert.Equal("1m", doc.RootElement.GetProperty("sleep:1m").EnumerateArray().Single().GetProperty("sleep_duration").GetString());
        Assert.False(doc.RootElement.TryGetProperty("go", out _));
    }

    [Fact]
    public async Task DurableTask_WorkerDiesDuringSleep_AnotherWorkerResumesAfterTheSleepAndTheChildRanOnce()
    {
        var clock = new ManualClock();
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TimeProvider = clock, EngineVersion = OlderProtocol });
        var childName = Names.Unique("charge");
        var parentName = Names.Unique("order-flow");
        var charges = 0;
        var starts = 0;

        TaskDeclaration<Order, Outcome> Declare(HatchetClient client)
        {
            var child = client.Task<Order, Order>(childName, (o, _) =>
            {
                Interlocked.Increment(ref charges);
                return Task.FromResult(o);
            });
            return client.DurableTask<Order, Outcome>(parentName, async (order, ctx) =>
            {
                Interlocked.Increment(ref starts);
                var charged = await child.RunAsync(order);
                await ctx.SleepForAsync(TimeSpan.FromSeconds(10));
                return new Outcome(charged.Id, charged.Amount);
            });
        }

        await using var workers = new WorkerHandover(engine, c => Declare(c), slots: 2);
        await using var caller = workers.NewClient();
        var flow = Declare(caller);
        await workers.StartFirstAsync();

        var run = await flow.RunNoWaitAsync(new Order("o1", 7));
        await UntilAsync(() => engine.Counters.DurableWaits == 1, "the durable task to sleep");
        Assert.Equal(1, Volatile.Read(ref charges));

        // The worker dies: its client's channel goes away with every stream, and it reports nothing more.
        await workers.FirstDiesSecondStartsAsync();

        // Past the sleep and the engine's reassign timeout: the task runs again on the live worker (once it heartbeats
        // on the new time), spawns the child again (deduped: the first child's result), and its sleep is already over.
        clock.Advance(TimeSpan.FromSeconds(31));
        engine.FireDueTimers();
        var result = await run.ResultAsync().WaitAsync(Timeouts.Wait);

        using var doc = JsonDocument.Parse(result.Outputs.Values.Single().GetRawText());
        Assert.Equal("o1", doc.RootElement.GetProperty("paidId").GetString());
        Assert.Equal(1, Volatile.Read(ref charges));
        Assert.Equal(2, Volatile.Read(ref starts));
        Assert.Equal(1, engine.Counters.DurableWaits);
    }

    [Fact]
    public async Task DagConditions_SkipIfParentOutputAndWaitForOrGroup_SkipsOneBranchAndRunsTheOtherOnTheEvent()
    {
        await using var h = await HatchetHarness.OnOwnEngineAsync();
        var small = new TaskOptions();
        small.SkipIf.Add(new ParentCondition("start", "output.N > 50"));
        var big = new TaskOptions();
        big.SkipIf.Add(new ParentCondition("start", "output.N <= 50"));
        var waiter = new TaskOptions();
        waiter.WaitFor.Add(Condition.Or(new SleepCondition(TimeSpan.FromHours(1)), new UserEventCondition("go:ahead", "input.Ok == true")));
        var wf = h.Workflow<Order>("conditions")
            .Task("start", (_, _) => Task.FromResult(new Dictionary<string, int> { ["N"] = 70 }))
            .Task("small", (_, _) => Task.FromResult(new Dictionary<string, string> { ["ran"] = "small" }), small, "start")
            .Task("big", (_, _) => Task.FromResult(new Dictionary<string, string> { ["ran"] = "big" }), big, "start")
            .Task("waiter", (_, _) => Task.FromResult(new Dictionary<string, string> { ["ran"] = "waiter" }), waiter, "start");
        await h.StartWorkerAsync(slots: 4);

        var run = await wf.RunNoWaitAsync(new Order("c", 1));
        await UntilAsync(() => h.Engine.Counters.TasksCompleted == 3, "start to complete, small to be skipped and big to run");
        await h.Client.Events.PushAsync("go:ahead", new Dictionary<string, bool> { ["Ok"] = false });
        await Task.Delay(200);
        Assert.Equal(3, h.Engine.Counters.TasksCompleted);
        await h.Client.Events.PushAsync("go:ahead", new Dictionary<string, bool> { ["Ok"] = true });

        var result = await run.ResultAsync().WaitAsync(Timeouts.Wait);
        Assert.True(result.Outputs["small"].GetProperty("skipped").GetBoolean());
        Assert.Equal("big", result.Outputs["big"].GetProperty("ran").GetString());
        Assert.Equal("waiter", result.Outputs["waiter"].GetProperty("ran").GetString());
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeouts.Wait);
        while (!condition())
        {
            await Task.Delay(25, timeout.Token).ContinueWith(t => t.IsCanceled ? throw new TimeoutException("timed out waiting for " + what) : t, TaskScheduler.Default).Unwrap();
        }
    }
}

using System.Text.Json;
using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// Durable tasks over the durable event log (<c>DurableTask</c>), which the SDK uses because the dev engine reports
/// v0.104.7: waits, memoized steps and spawns are nodes of the task's log. A worker that dies during a sleep (its client
/// disposed: every stream cut, nothing reported) is replaced by another whose replay gets the recorded memo and child
/// and resumes after the sleep; a replay that asks for something else gets a nondeterminism error.
/// </summary>
public sealed class DurableEventLogTests
{
    public sealed record Order(string Id, int Amount);

    public sealed record Outcome(string PaidId, int Amount, string Receipt, int Invocation);

    [Fact]
    public async Task DurableTask_SleepThenEventAndNow_OverTheEventLog()
    {
        var clock = new ManualClock();
        var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TimeProvider = clock });
        await using var h = new HatchetHarness(engine, ownsEngine: true);
        var task = h.Client.DurableTask<Order, Dictionary<string, string>>(
            Names.Unique("checkout"),
            async (order, ctx) =>
            {
                var started = await ctx.NowAsync();
                await ctx.SleepForAsync(TimeSpan.FromSeconds(10));
                var paid = await ctx.WaitForEventAsync<Order>("order:paid", $"input.id == '{order.Id}'");
                return new() { ["paid"] = $"{paid.Id}:{paid.Amount}", ["started"] = started.ToString("O"), ["again"] = (await ctx.NowAsync()).ToString("O") };
            });
        await h.StartWorkerAsync(slots: 1);

        var run = await task.RunNoWaitAsync(new Order("a1", 0));
        await UntilAsync(() => engine.Counters.DurableWaits == 1, "the sleep to be recorded");
        Assert.Equal(1, engine.Counters.DurableTaskStreams);
        clock.Advance(TimeSpan.FromSeconds(10));
        engine.FireDueTimers();
        await UntilAsync(() => engine.Counters.DurableWaits == 2, "the event wait to be recorded");
        await h.Client.Events.PushAsync("order:paid", new Order("b2", 5));
        await h.Client.Events.PushAsync("order:paid", new Order("a1", 42));

        var result = await run.ResultAsync().WaitAsync(Timeouts.Wait);
        var output = result.Outputs.Values.Single();
        Assert.Equal("a1:42", output.GetProperty("paid").GetString());

        // NowAsync is a memo: a second call is a new node, with its own (later or equal) time.
        Assert.True(DateTimeOffset.Parse(output.GetProperty("again").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(output.GetProperty("started").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task DurableTask_WorkerDiesDuringSleep_ReplayKeepsTheMemoAndTheChildAndResumesAfterTheSleep()
    {
        var clock = new ManualClock();
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TimeProvider = clock });
        var childName = Names.Unique("charge");
        var parentName = Names.Unique("order-flow");
        var receipts = 0;
        var charges = 0;
        var starts = 0;

        TaskDeclaration<Order, Outcome> Declare(HatchetClient client)
        {
            var child = client.Task<Order, Order>(childName, (o, _) =>
            {
                Interlocked.Increment(ref charges);
                return Task.FromResult(o with { Amount = o.Amount * 2 });
            });
            return client.DurableTask<Order, Outcome>(parentName, async (order, ctx) =>
            {
                Interlocked.Increment(ref starts);
                var receipt = await ctx.MemoAsync("receipt", _ => Task.FromResult("r-" + Interlocked.Increment(ref receipts)));
                var charged = await ctx.SpawnAsync(child, order);
                await ctx.SleepForAsync(TimeSpan.FromSeconds(10));
                return new Outcome(charged.Id, charged.Amount, receipt, ctx.InvocationCount);
            });
        }

        await using var workers = new WorkerHandover(engine, c => Declare(c), slots: 2);
        await using var caller = workers.NewClient();
        var flow = Declare(caller);
        await workers.StartFirstAsync();

        var run = await flow.RunNoWaitAsync(new Order("o1", 7));
        await UntilAsync(() => engine.Counters.DurableWaits == 1, "the durable task to sleep");
        Assert.Equal(1, Volatile.Read(ref receipts));
        Assert.Equal(1, Volatile.Read(ref charges));

        // The worker dies: its client's channel goes away with every stream, and it reports nothing more.
        await workers.FirstDiesSecondStartsAsync();

        // Past the sleep and the reassign timeout the task is assigned to the live worker as invocation 2: its memo,
        // spawn and sleep find their records, so the step and the child do not run again, and the sleep is over.
        clock.Advance(TimeSpan.FromSeconds(31));
        engine.FireDueTimers();
        var result = await run.ResultAsync().WaitAsync(Timeouts.Wait);

        var outcome = result.Outputs.Values.Single().Deserialize<Outcome>(JsonSerializerOptions.Web)!;
        Assert.Equal(new Outcome("o1", 14, "r-1", 2), outcome);
        Assert.Equal(1, Volatile.Read(ref receipts));
        Assert.Equal(1, Volatile.Read(ref charges));
        Assert.Equal(2, Volatile.Read(ref starts));
        Assert.Equal(1, engine.Counters.DurableWaits);
        Assert.Equal(2, engine.Counters.RunsCreated);
    }

    [Fact]
    public async Task DurableTask_ReplayAsksForAnotherSleep_GetsANondeterminismError()
    {
        var clock = new ManualClock();
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TimeProvider = clock });
        var name = Names.Unique("drifting");

        TaskDeclaration<Order, Dictionary<string, string>> Declare(HatchetClient client) =>
            client.DurableTask<Order, Dictionary<string, string>>(name, async (_, ctx) =>
            {
                try
                {
                    // Not deterministic: the replay sleeps longer than the first run did.
                    await ctx.SleepForAsync(TimeSpan.FromSeconds(10 * ctx.InvocationCount));
                    return new() { ["detected"] = "no" };
                }
                catch (DurableTaskException e) when (e.IsNonDeterminism)
                {
                    return new() { ["detected"] = "yes", ["node"] = e.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["message"] = e.Message };
                }
            });

        await using var workers = new WorkerHandover(engine, c => Declare(c), slots: 1);
        await using var caller = workers.NewClient();
        var task = Declare(caller);
        await workers.StartFirstAsync();
        var run = await task.RunNoWaitAsync(new Order("x", 1));
        await UntilAsync(() => engine.Counters.DurableWaits == 1, "the first invocation to sleep");

        await workers.FirstDiesSecondStartsAsync();
        clock.Advance(TimeSpan.FromSeconds(31));
        engine.FireDueTimers();

        var output = (await run.ResultAsync().WaitAsync(Timeouts.Wait)).Outputs.Values.Single();
        Assert.Equal("yes", output.GetProperty("detected").GetString());
        Assert.Equal("1", output.GetProperty("node").GetString());
        Assert.Contains("expected: sleep(10s)", output.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("received: sleep(20s)", output.GetProperty("message").GetString(), StringComparison.Ordinal);
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

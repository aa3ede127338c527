using MageFlow.Hatchet;
using MageFlow.Hatchet.Worker;
using StackExchange.Redis;

/// <summary>
/// The worker process of the durable worker-loss test (tests/MageFlow.Hatchet.Orchestration.Tests/DurableWorkerKillTests.cs):
/// <c>MageFlow.Hatchet.RootWorkerHost durable &lt;prefix&gt;</c>. It serves <c>&lt;prefix&gt;-charge</c> (a child that
/// doubles an amount) and <c>&lt;prefix&gt;-order</c>, a durable task that records a receipt in a memo step, spawns the
/// charge, sleeps 10 s on the engine's clock, then returns. Every side effect is counted in Redis under
/// <c>durablehost:&lt;prefix&gt;:</c> (<c>starts</c>, <c>receipts</c>, <c>charges</c>), so the test sees what ran in
/// processes it killed. Prints "ready" once the worker listens.
/// </summary>
internal static class DurableHost
{
    public static async Task<int> RunAsync(string prefix)
    {
        var marks = "durablehost:" + prefix + ":";
        var redisUrl = Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(MageFlow.Hatchet.Orchestration.MageFlowOptions.ParseConfiguration(redisUrl));
        var db = redis.GetDatabase();

        async Task CountAsync(string what)
        {
            await db.StringIncrementAsync(marks + what);
            await db.KeyExpireAsync(marks + what, TimeSpan.FromMinutes(10));
        }

        await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment());
        var charge = client.Task<DurableOrder, DurableOrder>(prefix + "-charge", async (order, _) =>
        {
            await CountAsync("charges");
            return order with { Amount = order.Amount * 2 };
        });
        client.DurableTask<DurableOrder, DurableOutcome>(prefix + "-order", async (order, ctx) =>
        {
            await CountAsync("starts");
            var receipt = await ctx.MemoAsync("receipt", async _ =>
            {
                await CountAsync("receipts");
                return "receipt-" + order.Id;
            });
            var charged = await ctx.SpawnAsync(charge, order);
            await ctx.SleepForAsync(TimeSpan.FromSeconds(10));
            return new DurableOutcome(receipt, charged.Amount, Environment.ProcessId, ctx.InvocationCount);
        });

        await using var worker = client.Worker(new HatchetWorkerOptions($"{prefix}-durable-{Environment.ProcessId}") { Slots = 4, HeartbeatInterval = TimeSpan.FromSeconds(1) });
        await worker.StartAsync();
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        return 0;
    }
}

internal sealed record DurableOrder(string Id, int Amount);

internal sealed record DurableOutcome(string Receipt, int Charged, int Pid, int Invocation);

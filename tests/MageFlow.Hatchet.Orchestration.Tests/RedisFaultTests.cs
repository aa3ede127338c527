using System.Collections.Concurrent;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// Redis faults in the middle of a running swarm, on a redis-server of the test's own (with AOF, and the DEBUG command
/// allowed locally): a restart, and a stall longer than the client's timeout. Every item's body runs once, every
/// result arrives, and the callback fires once.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class RedisFaultTests(MageFlowFixture fixture)
{
    private const int Items = 30;

    [Fact]
    public async Task RedisRestartedWithAof_MidSwarm_EveryItemRunsOnceAndTheCallbackFiresOnce()
    {
        var dir = Directory.CreateTempSubdirectory("mageflow-aof-");
        try
        {
            await using var server = await RedisServerProcess.StartAsync("--appendonly", "yes", "--appendfsync", "everysec", "--dir", dir.FullName);
            await RunSwarmThroughAsync(server, async admin =>
            {
                // SHUTDOWN flushes the AOF: a restart replays every acknowledged write.
                try
                {
                    admin.GetServers().Single().Shutdown(ShutdownMode.Never);
                }
                catch (RedisConnectionException)
                {
                    // The server closes the connection as it goes down.
                }

                await server.ExitedAsync();
                await server.RestartAsync();
            });
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task RedisStalledLongerThanTheClientTimeout_MidSwarm_EveryItemRunsOnceAndTheCallbackFiresOnce()
    {
        await using var server = await RedisServerProcess.StartAsync("--enable-debug-command", "local");
        await RunSwarmThroughAsync(server, async admin =>
        {
            // Longer than the client's 2 s timeout below: calls time out and are retried.
            await admin.GetDatabase().ExecuteAsync("DEBUG", "SLEEP", "3");
        });
    }

    private async Task RunSwarmThroughAsync(RedisServerProcess server, Func<ConnectionMultiplexer, Task> fault)
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true,abortConnect=false");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",abortConnect=false,asyncTimeout=2000,syncTimeout=2000");
        await using var h = fixture.Flow();
        var runs = new ConcurrentDictionary<int, int>();
        var item = h.Task<In, Out>("item", async (i, ctx) =>
        {
            runs.AddOrUpdate(i.N, 1, (_, n) => n + 1);
            await Task.Delay(50, ctx.CancellationToken);
            return new Out(i.N * 3);
        });
        var (onSuccess, successes) = h.Recorder<ListIn, Out>("onok", new Out(0));
        // A step whose reply a fault lost may have claimed the next items. Its retry gets them back (the step remembers
        // its claims under the caller's request id), so nothing here waits for the sweeper to find a stale claim: a
        // claim timeout far beyond the test's wait makes that a failure, not a delay.
        var mf = await h.StartAsync(slots: 10, o =>
        {
            o.Redis = redis;
            o.PublishClaimTimeout = TimeSpan.FromMinutes(10);
        });

        var items = new List<Signature>();
        for (var n = 0; n < Items; n++)
        {
            items.Add(await mf.SignAsync(item, new { n }));
        }

        var callback = await mf.SignAsync(onSuccess);
        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 5), successCallbacks: [callback], closed: true);
        await swarm.RunNoWaitAsync();
        using (var started = new CancellationTokenSource(Wait))
        {
            while (runs.Count < 10)
            {
                await Task.Delay(20, started.Token);
            }
        }

        await fault(admin);

        var results = await swarm.ResultAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(0, Items).Select(n => new Out(n * 3)), results.OrderBy(o => o.Value));
        Assert.Equal(results.OrderBy(o => o.Value), (await successes.First).MageflowResults!.OrderBy(o => o.Value));
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        Assert.Equal(Items, runs.Count);
        Assert.All(runs, r => Assert.Equal(1, r.Value));
        Assert.Equal(1, successes.Count);
    }
}

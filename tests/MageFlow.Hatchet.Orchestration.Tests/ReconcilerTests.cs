using StackExchange.Redis;
using MageFlow.Hatchet.Orchestration.State;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// Redis can come back without its latest writes (AOF <c>everysec</c>, a failover to a lagging replica). The engine
/// keeps its own record of every run; the reconciler compares the runs Redis believes are running with it and records
/// the ends Redis lost, once. <see cref="LostWrites"/> simulates the loss: it rolls every MageFlow key of the test
/// back to a marked state, dropping what was written since.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class ReconcilerTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task SwarmItemEndLostWithEverythingAfterIt_ReconcilerFinishesTheFlowOnce_AndAdoptsTheCallbackRunInsteadOfStartingItAgain()
    {
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", async (i, ctx) =>
        {
            if (i.N == 2)
            {
                await gate.PassAsync(ctx.CancellationToken);
            }

            return new Out(i.N * 10);
        });
        var (onSuccess, successes) = h.Recorder<ListIn, Out>("onok", new Out(0));
        var mf = await h.StartAsync(slots: 10, o => o.ReconcileInterval = TimeSpan.Zero);

        var items = new List<Signature>();
        for (var n = 1; n <= 3; n++)
        {
            items.Add(await mf.SignAsync(item, new { n }));
        }

        var callback = await mf.SignAsync(onSuccess);
        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 3), successCallbacks: [callback], closed: true);
        await swarm.RunNoWaitAsync();
        await gate.ArrivalsAsync(1);
        await UntilAsync(async () => (int?)await h.Db.HashGetAsync(h.Keys.Signature(swarm.Id), "nok") == 2);

        // While item 2 runs, the engine agrees that it runs: nothing to repair.
        var idle = await mf.ReconcileAsync();
        Assert.Equal(1, idle.Checked);
        Assert.Equal(0, idle.Repaired);

        var lost = await LostWrites.MarkAsync(h.Redis, h.Prefix);
        gate.Open();
        var results = await swarm.ResultAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal([new Out(10), new Out(20), new Out(30)], results);
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        Assert.Equal(1, successes.Count);

        // Redis loses item 2's end and everything after it: the swarm's completion and the callback's whole run.
        await lost.RollBackAsync();
        Assert.Equal(SignatureStatus.Active, await items[1].GetStatusAsync());
        Assert.Equal(SignatureStatus.Active, await swarm.GetStatusAsync());
        Assert.Equal(SignatureStatus.Pending, await callback.GetStatusAsync());

        var report = await mf.ReconcileAsync();

        // Item 2's end is read from the engine; the callback it queues already has a run there (it ran before the
        // loss): that run is adopted, not started a second time. Its end is recorded by this pass, or first by the
        // follower that the adoption started (it reads the ended run's event): either way once.
        Assert.Equal(1, report.Adopted);
        Assert.InRange(report.Repaired, 1, 2);
        Assert.Equal(SignatureStatus.Done, await items[1].GetStatusAsync());
        Assert.Equal(results, await swarm.ResultAsync<List<Out>>().WaitAsync(Wait));
        Assert.Equal(new Out(0), await callback.ResultAsync<Out>().WaitAsync(Wait));

        // Once repaired, nothing is left to repair; the callback body ran once in all.
        var again = await mf.ReconcileAsync();
        Assert.Equal(0, again.Repaired);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, successes.Count);
        Assert.Equal(1, gate.Entered);
    }

    [Fact]
    public async Task TaskEndLost_RedisConnectionDropped_TheNextSweepRepairsItAndTheCallbackRunsOnce()
    {
        using var gate = new Gate();

        // MageFlow's own connection, named so that only it is dropped below (disposed after the harness that uses it).
        var clientName = Names.Unique("reconcile");
        var config = MageFlowOptions.ParseConfiguration(MageFlowFixture.RedisConfiguration);
        config.ClientName = clientName;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(config);
        await using var h = fixture.Flow();
        var item = h.Task("item", gate.Passing<In, Out>(i => new Out(i.N + 1)));
        var (onSuccess, successes) = h.Recorder<ResultIn, Out>("onok", new Out(0));

        // Only a reconnection triggers the pass here (no periodic one), and sweeps come often.
        var mf = await h.StartAsync(slots: 10, o =>
        {
            o.Redis = redis;
            o.ReconcileInterval = TimeSpan.Zero;
            o.SweepInterval = TimeSpan.FromMilliseconds(200);
        });
        var callback = await mf.SignAsync(onSuccess);
        var sig = await mf.SignAsync(item, new { n = 4 }, successCallbacks: [callback]);
        await sig.RunNoWaitAsync();
        await gate.ArrivalsAsync(1);

        var lost = await LostWrites.MarkAsync(h.Redis, h.Prefix);
        gate.Open();
        Assert.Equal(new Out(5), await sig.ResultAsync<Out>().WaitAsync(Wait));
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await lost.RollBackAsync();
        Assert.Equal(SignatureStatus.Active, await sig.GetStatusAsync());

        // A Redis restart drops every connection; here only MageFlow's are dropped.
        var killed = await KillClientsNamedAsync(clientName);
        Assert.True(killed > 0);

        Assert.Equal(new Out(5), await sig.ResultAsync<Out>().WaitAsync(Wait));
        Assert.Equal(new Out(0), await callback.ResultAsync<Out>().WaitAsync(Wait));
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, successes.Count);
    }

    [Fact]
    public async Task RunningEntryOfAnExpiredSignature_IsDroppedAsStale()
    {
        await using var h = fixture.Flow();
        h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 1, o => o.ReconcileInterval = TimeSpan.Zero);
        await h.Db.SortedSetAddAsync(RedisKeys.Running(h.Keys.Prefix), "expired-signature", 1);

        var report = await mf.ReconcileAsync();

        Assert.Equal(1, report.StaleEntries);
        Assert.Equal(0, report.Checked);
        Assert.False(await h.Db.KeyExistsAsync(RedisKeys.Running(h.Keys.Prefix)));
    }

    private static async Task<int> KillClientsNamedAsync(string name)
    {
        var config = MageFlowOptions.ParseConfiguration(MageFlowFixture.RedisConfiguration);
        config.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(config);
        var server = admin.GetServers().Single(s => !s.IsReplica);
        var killed = 0;
        foreach (var client in await server.ClientListAsync())
        {
            if (client.Name == name)
            {
                killed += (int)await server.ClientKillAsync(client.Id, skipMe: true);
            }
        }

        return killed;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}

using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration;

namespace MageFlow.Hatchet.Tests.Orchestration;

[Collection(MageFlowCollection.Name)]
public sealed class TtlTests(MageFlowFixture fixture)
{
    private static readonly TimeSpan Wait = MageFlowFixture.Wait;

    [Fact]
    public async Task RunAsync_FinishedFlows_EveryKeyExpiresWithinDoneTtl()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var item = client.Task<In, Out>(MageFlowFixture.Unique("item"), (i, _) => Task.FromResult(new Out(i.N + 1)));
        var next = client.Task<ResultIn, Out>(MageFlowFixture.Unique("next"), (i, _) => Task.FromResult(new Out(i.MageflowResults!.Value + 1)));
        var sink = client.Task<ListIn, Out>(MageFlowFixture.Unique("sink"), (i, _) => Task.FromResult(new Out(i.MageflowResults!.Count)));
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var chain = await mf.ChainAsync([await mf.SignAsync(item), await mf.SignAsync(next)]);
        var callback = await mf.SignAsync(sink);
        var swarm = await mf.SwarmAsync([await mf.SignAsync(item), await mf.SignAsync(item, new { n = 10 })], new SwarmConfig(MaxConcurrency: 2), successCallbacks: [callback], closed: true);

        // Before the run, the records exist and live for the active TTL.
        var db = fixture.Redis.GetDatabase();
        var swarmTtl = await db.KeyTimeToLiveAsync(MageFlowFixture.SigKey(prefix, swarm.Id));
        Assert.NotNull(swarmTtl);
        Assert.True(swarmTtl.Value > MageFlowFixture.DoneTtl, $"active TTL {swarmTtl}");

        var chainRun = chain.RunAsync<Out>(new { n = 0 });
        Assert.Equal([new Out(1), new Out(11)], await swarm.RunAsync<List<Out>>(new { n = 0 }).WaitAsync(Wait));
        Assert.Equal(new Out(2), await chainRun.WaitAsync(Wait));
        Assert.Equal(new Out(2), await callback.ResultAsync<Out>().WaitAsync(Wait));
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.True(await db.KeyExistsAsync(MageFlowFixture.SigKey(prefix, swarm.Id)), "finished records stay readable for the done-TTL");
    }

    [Fact]
    public async Task SwarmTtl_PerKindOverride_AppliedToSwarmKeys()
    {
        var prefix = MageFlowFixture.NewPrefix();
        var swarmTtl = new TtlOptions(TimeSpan.FromHours(2), TimeSpan.FromSeconds(20));
        await using var client = fixture.NewClient();
        var item = client.Task<In, Out>(MageFlowFixture.Unique("item"), (i, _) => Task.FromResult(new Out(i.N)));
        await using var mf = await fixture.AttachAsync(client, prefix, o => o.SwarmTtl = swarmTtl);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var items = new List<Signature> { await mf.SignAsync(item, new { n = 1 }), await mf.SignAsync(item, new { n = 2 }) };
        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 2), closed: true);
        var db = fixture.Redis.GetDatabase();
        var swarmKeys = new[] { MageFlowFixture.SigKey(prefix, swarm.Id), MageFlowFixture.Keys(prefix).Swarm(swarm.Id, SwarmPart.Items) };

        // Active: the swarm uses its own active TTL (2 h), its items the default (1 h).
        foreach (var key in swarmKeys)
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl > TimeSpan.FromHours(1.5), $"{key}: {ttl}");
        }

        var itemTtl = await db.KeyTimeToLiveAsync(MageFlowFixture.SigKey(prefix, items[0].Id));
        Assert.True(itemTtl <= TimeSpan.FromHours(1), $"item: {itemTtl}");

        Assert.Equal([new Out(1), new Out(2)], await swarm.RunAsync<List<Out>>().WaitAsync(Wait));

        // Done: every swarm key gets the swarm's done-TTL (20 s), items the default (60 s).
        foreach (var part in new[] { SwarmPart.Items, SwarmPart.Results })
        {
            swarmKeys = [.. swarmKeys, MageFlowFixture.Keys(prefix).Swarm(swarm.Id, part)];
        }

        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        foreach (var key in swarmKeys.Distinct())
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            if (await db.KeyExistsAsync(key))
            {
                Assert.True(ttl is not null && ttl <= swarmTtl.Done, $"{key}: {ttl}");
            }
        }

        Assert.True(await db.KeyExistsAsync(MageFlowFixture.SigKey(prefix, swarm.Id)));
        var doneItemTtl = await db.KeyTimeToLiveAsync(MageFlowFixture.SigKey(prefix, items[0].Id));
        Assert.True(doneItemTtl > swarmTtl.Done && doneItemTtl <= MageFlowFixture.DoneTtl, $"item: {doneItemTtl}");
    }
}

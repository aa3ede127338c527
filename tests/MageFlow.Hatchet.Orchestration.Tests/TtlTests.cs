namespace MageFlow.Hatchet.Orchestration.Tests;

[Collection(MageFlowCollection.Name)]
public sealed class TtlTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RunAsync_FinishedFlows_EveryKeyExpiresWithinDoneTtl()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var next = h.Task<ResultIn, Out>("next", (i, _) => Task.FromResult(new Out(i.MageflowResults!.Value + 1)));
        var sink = h.Task<ListIn, Out>("sink", (i, _) => Task.FromResult(new Out(i.MageflowResults!.Count)));
        var mf = await h.StartAsync(slots: 20);

        var chain = await mf.ChainAsync([await mf.SignAsync(item), await mf.SignAsync(next)]);
        var callback = await mf.SignAsync(sink);
        var swarm = await mf.SwarmAsync([await mf.SignAsync(item), await mf.SignAsync(item, new { n = 10 })], new SwarmConfig(MaxConcurrency: 2), successCallbacks: [callback], closed: true);

        // Before the run, the records exist and live for the active TTL.
        var db = h.Db;
        var swarmTtl = await db.KeyTimeToLiveAsync(h.Keys.Signature(swarm.Id));
        Assert.NotNull(swarmTtl);
        Assert.True(swarmTtl.Value > MageFlowFixture.DoneTtl, $"active TTL {swarmTtl}");

        var chainRun = chain.RunAsync<Out>(new { n = 0 });
        Assert.Equal([new Out(1), new Out(11)], await swarm.RunAsync<List<Out>>(new { n = 0 }).WaitAsync(Wait));
        Assert.Equal(new Out(2), await chainRun.WaitAsync(Wait));
        Assert.Equal(new Out(2), await callback.ResultAsync<Out>().WaitAsync(Wait));
        await h.AssertRedisCleanAsync();
        Assert.True(await db.KeyExistsAsync(h.Keys.Signature(swarm.Id)), "finished records stay readable for the done-TTL");
    }

    [Fact]
    public async Task SwarmTtl_PerKindOverride_AppliedToSwarmKeys()
    {
        var swarmTtl = new TtlOptions(TimeSpan.FromHours(2), TimeSpan.FromSeconds(20));
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 20, o => o.SwarmTtl = swarmTtl);

        var items = new List<Signature> { await mf.SignAsync(item, new { n = 1 }), await mf.SignAsync(item, new { n = 2 }) };
        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 2), closed: true);
        var db = h.Db;
        var swarmKeys = new[] { h.Keys.Signature(swarm.Id), h.Keys.Swarm(swarm.Id, SwarmPart.Items) };

        // Active: the swarm uses its own active TTL (2 h), its items the default (1 h).
        foreach (var key in swarmKeys)
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl > TimeSpan.FromHours(1.5), $"{key}: {ttl}");
        }

        var itemTtl = await db.KeyTimeToLiveAsync(h.Keys.Signature(items[0].Id));
        Assert.True(itemTtl <= TimeSpan.FromHours(1), $"item: {itemTtl}");

        Assert.Equal([new Out(1), new Out(2)], await swarm.RunAsync<List<Out>>().WaitAsync(Wait));

        // Done: every swarm key gets the swarm's done-TTL (20 s), items the default (60 s).
        foreach (var part in new[] { SwarmPart.Items, SwarmPart.Results })
        {
            swarmKeys = [.. swarmKeys, h.Keys.Swarm(swarm.Id, part)];
        }

        await h.AssertRedisCleanAsync();
        foreach (var key in swarmKeys.Distinct())
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            if (await db.KeyExistsAsync(key))
            {
                Assert.True(ttl is not null && ttl <= swarmTtl.Done, $"{key}: {ttl}");
            }
        }

        Assert.True(await db.KeyExistsAsync(h.Keys.Signature(swarm.Id)));
        var doneItemTtl = await db.KeyTimeToLiveAsync(h.Keys.Signature(items[0].Id));
        Assert.True(doneItemTtl > swarmTtl.Done && doneItemTtl <= MageFlowFixture.DoneTtl, $"item: {doneItemTtl}");
    }
}

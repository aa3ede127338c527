using MageFlow.Hatchet.Orchestration;

namespace MageFlow.Hatchet.Tests.Orchestration;

[Collection(MageFlowCollection.Name)]
public sealed class EngineRunTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RunAsync_ClosedSwarmWithoutCallbacks_OneEngineRunPerItem()
    {
        const int Items = 25;

        // A dedicated engine, so no other test's runs show in its counters.
        await using var engine = await HatchetDevEngine.StartAsync();
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
        var item = client.Task<In, Out>(MageFlowFixture.Unique("item"), (i, _) => Task.FromResult(new Out(i.N)));
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var items = new List<Signature>();
        for (var n = 0; n < Items; n++)
        {
            items.Add(await mf.SignAsync(item, new { n }));
        }

        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 10), closed: true);
        var runsBefore = engine.Counters.RunsCreated;
        var assignedBefore = engine.Counters.TasksAssigned;

        var results = await swarm.RunAsync<List<Out>>().WaitAsync(MageFlowFixture.Wait);

        Assert.Equal(Items, results.Count);
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal(Items, engine.Counters.RunsCreated - runsBefore);
        Assert.Equal(Items, engine.Counters.TasksAssigned - assignedBefore);
    }
}

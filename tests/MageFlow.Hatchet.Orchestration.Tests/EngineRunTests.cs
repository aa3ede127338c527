namespace MageFlow.Hatchet.Orchestration.Tests;

[Collection(MageFlowCollection.Name)]
public sealed class EngineRunTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RunAsync_ClosedSwarmWithoutCallbacks_OneEngineRunPerItem()
    {
        const int Items = 25;

        // A dedicated engine, so no other test's runs show in its counters.
        await using var h = await fixture.FlowOnOwnEngineAsync();
        var engine = h.Engine;
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 20);

        var items = new List<Signature>();
        for (var n = 0; n < Items; n++)
        {
            items.Add(await mf.SignAsync(item, new { n }));
        }

        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 10), closed: true);
        var runsBefore = engine.Counters.RunsCreated;
        var assignedBefore = engine.Counters.TasksAssigned;

        var results = await swarm.RunAsync<List<Out>>().WaitAsync(Wait);

        Assert.Equal(Items, results.Count);
        await h.AssertRedisCleanAsync();
        Assert.Equal(Items, engine.Counters.RunsCreated - runsBefore);
        Assert.Equal(Items, engine.Counters.TasksAssigned - assignedBefore);
    }
}

using System.Collections.Concurrent;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Tests.Orchestration;

[Collection(MageFlowCollection.Name)]
public sealed class SwarmConcurrencyTests(MageFlowFixture fixture)
{
    private static readonly TimeSpan Wait = MageFlowFixture.Wait;

    [Fact]
    public async Task RunAsync_TwoProcessesShareOneSwarm_CallbacksFireExactlyOnce()
    {
        const int PerProcess = 150;
        var prefix = MageFlowFixture.NewPrefix();
        var itemName = MageFlowFixture.Unique("item");
        var callbackName = MageFlowFixture.Unique("onok");
        var executed = new ConcurrentDictionary<int, int>();
        var successes = new Probe<ListIn>();

        // Two "processes": separate clients, each with its own MageFlow (own Redis connection, same prefix) and worker.
        await using var client1 = fixture.NewClient();
        await using var client2 = fixture.NewClient();
        var items = new List<Tasks.TaskDeclaration<In, Out>>();
        var callbacks = new List<Tasks.TaskDeclaration<ListIn, Out>>();
        foreach (var client in new[] { client1, client2 })
        {
            items.Add(client.Task<In, Out>(itemName, (i, _) =>
            {
                executed.AddOrUpdate(i.N, 1, (_, c) => c + 1);
                return Task.FromResult(new Out(i.N));
            }));
            callbacks.Add(client.Task<ListIn, Out>(callbackName, (i, _) =>
            {
                successes.Record(i);
                return Task.FromResult(new Out(0));
            }));
        }

        void OwnConnection(MageFlowOptions o)
        {
            o.Redis = null;
            o.RedisConfiguration = MageFlowFixture.RedisConfiguration;
        }

        await using var mf1 = await fixture.AttachAsync(client1, prefix, OwnConnection);
        await using var mf2 = await fixture.AttachAsync(client2, prefix, OwnConnection);
        Assert.NotEqual(mf1.OwnerId, mf2.OwnerId);
        await using var worker1 = client1.Worker(MageFlowFixture.Unique("w1"), 50);
        await using var worker2 = client2.Worker(MageFlowFixture.Unique("w2"), 50);
        await worker1.StartAsync();
        await worker2.StartAsync();

        var callback = await mf1.SignAsync(callbacks[0]);
        var swarm1 = await mf1.SwarmAsync(config: new SwarmConfig(MaxConcurrency: 40), successCallbacks: [callback]);
        await swarm1.RunNoWaitAsync();
        var swarm2 = Assert.IsType<SwarmSignature>(await mf2.GetAsync(swarm1.Id));

        // Both processes add items concurrently while the swarm runs, so both publish and track item runs.
        await Task.WhenAll(AddAsync(mf1, swarm1, items[0], 0), AddAsync(mf2, swarm2, items[1], PerProcess));
        await swarm2.CloseAsync();

        var results = await swarm1.ResultAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal(2 * PerProcess, results.Count);
        Assert.Equal(Enumerable.Range(0, 2 * PerProcess), results.Select(r => r.Value).Order());
        Assert.Equal(2 * PerProcess, (await successes.First).MageflowResults!.Count);
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal(1, successes.Count);
        Assert.Equal(2 * PerProcess, executed.Count);
        Assert.All(executed, e => Assert.Equal(1, e.Value));

        static async Task AddAsync(MageFlowClient mf, SwarmSignature swarm, Tasks.TaskDeclaration<In, Out> item, int first)
        {
            for (var chunk = 0; chunk < PerProcess; chunk += 10)
            {
                var batch = new List<Signature>();
                for (var n = first + chunk; n < first + chunk + 10; n++)
                {
                    batch.Add(await mf.SignAsync(item, new { n }));
                }

                await swarm.AddTasksAsync(batch);
            }
        }
    }

    [Fact]
    public async Task OnFinished_DuplicatedCompletionReport_ChangesNothing()
    {
        var prefix = MageFlowFixture.NewPrefix();
        using var gate = new Gate();
        await using var client = fixture.NewClient();
        var item = client.Task<In, Out>(MageFlowFixture.Unique("item"), async (i, ctx) =>
        {
            if (i.N > 0)
            {
                await gate.PassAsync(ctx.CancellationToken);
            }

            return new Out(i.N);
        });
        var successes = new Probe<ListIn>();
        var onSuccess = client.Task<ListIn, Out>(MageFlowFixture.Unique("onok"), (i, _) =>
        {
            successes.Record(i);
            return Task.FromResult(new Out(0));
        });
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var items = new List<Signature> { await mf.SignAsync(item, new { n = 0 }), await mf.SignAsync(item, new { n = 1 }), await mf.SignAsync(item, new { n = 2 }) };
        var callback = await mf.SignAsync(onSuccess);
        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 3), successCallbacks: [callback], closed: true);
        await swarm.RunNoWaitAsync();
        Assert.Equal(new Out(0), await items[0].ResultAsync<Out>().WaitAsync(Wait));
        await gate.ArrivalsAsync(2);

        var db = fixture.Redis.GetDatabase();
        string runId = (await db.HashGetAsync(MageFlowFixture.SigKey(prefix, items[0].Id), "run"))!;
        var before = await SnapshotAsync(db, prefix, swarm.Id);

        // Item 0 was already recorded: reporting it again (as a takeover would) is ignored...
        var again = await ReportAsync(mf, runId, items[0].Id, "1", "{}");
        var twice = await ReportAsync(mf, runId, items[0].Id, "1", "{}");
        Assert.Equal("untracked", again.Status);
        Assert.Equal("untracked", twice.Status);

        // ...even when the run is still registered as tracked (a report racing the first one).
        await db.HashSetAsync(MageFlowFixture.Keys(prefix).OwnerRuns(mf.OwnerId), runId, items[0].Id);
        var raced = await ReportAsync(mf, runId, items[0].Id, "0", "late failure");
        Assert.Equal("dup", raced.Status);
        Assert.Equal((0, 0, 0), (again.Claimed, twice.Claimed, raced.Claimed));
        Assert.Equal(before, await SnapshotAsync(db, prefix, swarm.Id));
        Assert.Equal(SignatureStatus.Done, await items[0].GetStatusAsync());

        gate.Open();
        var results = await swarm.ResultAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal([new Out(0), new Out(1), new Out(2)], results);
        await callback.ResultAsync<Out>().WaitAsync(Wait);

        // And after the swarm finished, a late duplicate changes nothing either.
        var done = await SnapshotAsync(db, prefix, swarm.Id);
        var late = await ReportAsync(mf, runId, items[0].Id, "1", "{}");
        Assert.Equal("untracked", late.Status);
        Assert.Equal(done, await SnapshotAsync(db, prefix, swarm.Id));
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal(1, successes.Count);
        Assert.Equal(3, (await successes.First).MageflowResults!.Count);
    }

    /// <summary>Reports a run's end the way the tracker does on an engine event (owner, claim TTL, source, then one quad); returns the first
    /// run's status and how many signatures the report claimed for publishing.</summary>
    private static async Task<(string Status, int Claimed)> ReportAsync(MageFlowClient mf, string runId, string signatureId, string ok, string value)
    {
        var outcome = await mf.Scripts.OnFinished.RunAsync(mf.OwnerId, TimeSpan.FromSeconds(60), OnFinishedScript.Source.Engine, [new(runId, signatureId, ok == "1", value)], CancellationToken.None);
        return (outcome.FirstStatus, outcome.Claimed.Count);
    }

    private static async Task<string> SnapshotAsync(IDatabase db, string prefix, string swarmId)
    {
        var h = await db.HashGetAsync(MageFlowFixture.SigKey(prefix, swarmId), ["status", "running", "total", "nok", "nfail", "closed"]);
        var results = await db.HashLengthAsync(MageFlowFixture.Keys(prefix).Swarm(swarmId, SwarmPart.Results));
        return string.Join(",", h.Select(v => (string?)v)) + $";results={results}";
    }
}

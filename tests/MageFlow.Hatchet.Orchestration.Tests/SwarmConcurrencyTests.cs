using MageFlow.Hatchet.Orchestration.State.Scripts;

namespace MageFlow.Hatchet.Orchestration.Tests;

[Collection(MageFlowCollection.Name)]
public sealed class SwarmConcurrencyTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RunAsync_TwoProcessesShareOneSwarm_CallbacksFireExactlyOnce()
    {
        const int PerProcess = 150;
        var itemName = Names.Unique("item");
        var callbackName = Names.Unique("onok");
        var executed = new ConcurrentDictionary<int, int>();
        var successes = new Probe<ListIn>();

        // Two "processes": separate clients, each with its own MageFlow (own Redis connection, same prefix) and worker.
        await using var h1 = fixture.Flow();
        await using var h2 = fixture.Flow(prefix: h1.Prefix);
        var items = new List<Tasks.TaskDeclaration<In, Out>>();
        var callbacks = new List<Tasks.TaskDeclaration<ListIn, Out>>();
        foreach (var client in new[] { h1.Client, h2.Client })
        {
            items.Add(client.Task<In, Out>(itemName, (i, _) =>
            {
                executed.Increment(i.N);
                return Task.FromResult(new Out(i.N));
            }));
            callbacks.Add(client.Task(callbackName, successes.Returning(new Out(0))));
        }

        void OwnConnection(MageFlowOptions o)
        {
            o.Redis = null;
            o.RedisConfiguration = MageFlowFixture.RedisConfiguration;
        }

        var mf1 = await h1.AttachAsync(OwnConnection);
        var mf2 = await h2.AttachAsync(OwnConnection);
        Assert.NotEqual(mf1.OwnerId, mf2.OwnerId);
        await h1.StartWorkerAsync(slots: 50);
        await h2.StartWorkerAsync(slots: 50);

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
        await h1.AssertRedisCleanAsync();
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
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", async (i, ctx) =>
        {
            if (i.N > 0)
            {
                await gate.PassAsync(ctx.CancellationToken);
            }

            return new Out(i.N);
        });
        var (onSuccess, successes) = h.Recorder<ListIn, Out>("onok", new Out(0));
        var mf = await h.StartAsync(slots: 20);

        var items = new List<Signature> { await mf.SignAsync(item, new { n = 0 }), await mf.SignAsync(item, new { n = 1 }), await mf.SignAsync(item, new { n = 2 }) };
        var callback = await mf.SignAsync(onSuccess);
        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 3), successCallbacks: [callback], closed: true);
        await swarm.RunNoWaitAsync();
        Assert.Equal(new Out(0), await items[0].ResultAsync<Out>().WaitAsync(Wait));
        await gate.ArrivalsAsync(2);

        var db = h.Db;
        string runId = (await db.HashGetAsync(h.Keys.Signature(items[0].Id), "run"))!;
        var before = await SnapshotAsync(h, swarm.Id);

        // Item 0 was already recorded: reporting it again (as a takeover would) is ignored...
        var again = await ReportAsync(mf, runId, items[0].Id, "1", "{}");
        var twice = await ReportAsync(mf, runId, items[0].Id, "1", "{}");
        Assert.Equal("untracked", again.Status);
        Assert.Equal("untracked", twice.Status);

        // ...even when the run is still registered as tracked (a report racing the first one).
        await db.HashSetAsync(RedisKeys.OwnerRuns(h.Keys.PrefixOf(items[0].Id), mf.OwnerId), runId, items[0].Id);
        var raced = await ReportAsync(mf, runId, items[0].Id, "0", "late failure");
        Assert.Equal("dup", raced.Status);
        Assert.Equal((0, 0, 0), (again.Claimed, twice.Claimed, raced.Claimed));
        Assert.Equal(before, await SnapshotAsync(h, swarm.Id));
        Assert.Equal(SignatureStatus.Done, await items[0].GetStatusAsync());

        gate.Open();
        var results = await swarm.ResultAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal([new Out(0), new Out(1), new Out(2)], results);
        await callback.ResultAsync<Out>().WaitAsync(Wait);

        // And after the swarm finished, a late duplicate changes nothing either.
        var done = await SnapshotAsync(h, swarm.Id);
        var late = await ReportAsync(mf, runId, items[0].Id, "1", "{}");
        Assert.Equal("untracked", late.Status);
        Assert.Equal(done, await SnapshotAsync(h, swarm.Id));
        await h.AssertRedisCleanAsync();
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

    private static async Task<string> SnapshotAsync(FlowHarness h, string swarmId)
    {
        var fields = await h.Db.HashGetAsync(h.Keys.Signature(swarmId), ["status", "running", "total", "nok", "nfail", "closed"]);
        var results = await h.Db.HashLengthAsync(h.Keys.Swarm(swarmId, SwarmPart.Results));
        return string.Join(",", fields.Select(v => (string?)v)) + $";results={results}";
    }
}

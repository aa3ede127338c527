namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>The root swarm runs captured children under maxConcurrency and fires callbacks only after the last one.</summary>
[Collection(RootTasksCollection.Name)]
public sealed class RootTaskConcurrencyTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RootBody_SpawnsMoreChildrenThanLimit_PeakEqualsMaxConcurrency()
    {
        const int Children = 9;
        const int Limit = 3;
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var child = h.Task("child", gate.Passing<ChildIn, ChildOut>(i => new ChildOut(i.N)));
        var (onDone, callbacks) = h.Recorder<ChildResultsIn, int>("done", 0);
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            for (var n = 0; n < Children; n++)
            {
                await (await h.MageFlow.SignAsync(child)).RunNoWaitAsync(new ChildIn(n));
            }

            return new RootOut(Children);
        }).AsRoot(maxConcurrency: Limit);

        // Far more worker slots than the limit: only the root swarm holds children back.
        var mf = await h.StartAsync(slots: 30);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(0), onDone);
        for (var wave = 0; wave < Children / Limit; wave++)
        {
            await gate.ArrivalsAsync(Limit);
            Assert.Equal(Limit, gate.Running);
            gate.Release(Limit);
        }

        Assert.Equal(Enumerable.Range(0, Children).Select(n => new ChildOut(n)), (await callbacks.First).Results);
        Assert.Equal(Limit, gate.Peak);
        Assert.Equal(Children, gate.Entered);
        await callback.ResultAsync<int>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, callbacks.Count);
    }

    [Fact]
    public async Task RootBody_ReturnsWhileChildrenRun_CallbackStartsAfterEveryChildFinished()
    {
        const int Children = 5;
        using var gate = new Gate();
        var timeline = new Timeline();
        using var returned = new SemaphoreSlim(0);
        var childIds = new string[Children];
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", async (i, ctx) =>
        {
            await gate.PassAsync(ctx.CancellationToken);
            timeline.Mark($"child-finished:{i.N}");
            returned.Release();
            return new ChildOut(i.N);
        });
        var callbacks = new Probe<ChildResultsIn>();
        var onDone = h.Task<ChildResultsIn, int>("done", (i, _) =>
        {
            timeline.Mark("callback-started");
            callbacks.Record(i);
            return Task.FromResult(0);
        });
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            await RootRuns.SpawnAsync(h.MageFlow, child, childIds, n => new ChildIn(n));
            timeline.Mark("root-returned");
            return new RootOut(Children);
        }).AsRoot(maxConcurrency: Children);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(0), onDone);

        // The root's run is over (so its swarm is closed) while every child is still held.
        Assert.Equal(new RootOut(Children), await rootSig.ResultAsync<RootOut>().WaitAsync(Wait));
        await gate.ArrivalsAsync(Children);
        Assert.Equal(0, callbacks.Count);

        // All but one finish, and MageFlow records them; the callback still waits for the last one.
        gate.Release(Children - 1);
        for (var n = 0; n < Children - 1; n++)
        {
            await returned.WaitAsync(Wait);
        }

        var held = Assert.Single(Enumerable.Range(0, Children), n => timeline.Matching($"child-finished:{n}").Count == 0);
        foreach (var n in Enumerable.Range(0, Children).Where(n => n != held))
        {
            Assert.Equal(SignatureStatus.Done, await RootTaskAssert.FinalStatusAsync(mf, childIds[n]));
        }

        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        var swarm = await RootTaskAssert.FieldsAsync(h, swarmId, "status", "closed", "nok", "running");
        Assert.Equal(("active", "1", (Children - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "1"), (swarm["status"], swarm["closed"], swarm["nok"], swarm["running"]));
        Assert.Equal(0, callbacks.Count);
        gate.Release(1);

        Assert.Equal(Children, (await callbacks.First).Results!.Count);
        await callback.ResultAsync<int>().WaitAsync(Wait);
        var finished = timeline.Matching("child-finished:");
        Assert.Equal(Children, finished.Count);
        Assert.All(finished, f => Assert.True(timeline["root-returned"] < f, "a child finished before the root body returned: the test did not hold them"));
        Assert.All(finished, f => Assert.True(f < timeline["callback-started"], "the callback started before every child had finished"));
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, callbacks.Count);
    }
}

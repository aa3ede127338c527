using System.Text.Json;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>What a root body publishes joins its root swarm; what it publishes inside <see cref="MageFlowScope.WithoutRootSwarm"/> does not.</summary>
[Collection(RootTasksCollection.Name)]
public sealed class RootTaskCaptureTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RootBody_PublishesTasksChainAndSwarm_CallbackGetsEachResultInOrder()
    {
        await using var h = fixture.Flow();
        var item = h.Task<ChildIn, ChildOut>("item", (i, _) => Task.FromResult(new ChildOut(i.N * 10)));
        var step = h.Task<StepIn, ChildOut>("step", (i, _) => Task.FromResult(new ChildOut((i.Prev?.N ?? i.N) + 1)));
        var (onDone, callbacks) = h.Recorder<ResultsIn, int>("done", i => i.Results?.Count ?? -1);
        var awaited = new TaskCompletionSource<ChildOut>(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            var mf = h.MageFlow;
            await (await mf.SignAsync(item)).RunNoWaitAsync(new ChildIn(1));
            await (await mf.SignAsync(item, new { n = 2 })).RunNoWaitAsync();
            var chain = await mf.ChainAsync([await mf.SignAsync(step), await mf.SignAsync(step), await mf.SignAsync(step)]);
            await chain.RunNoWaitAsync(new ChildIn(100));
            var swarm = await mf.SwarmAsync([await mf.SignAsync(item, new { n = 7 }), await mf.SignAsync(item, new { n = 8 })], closed: true);
            await swarm.RunNoWaitAsync();

            // RunAsync: published into the root swarm too, and the body gets the result.
            awaited.TrySetResult(await (await mf.SignAsync(item)).RunAsync<ChildOut>(new ChildIn(3), ctx.CancellationToken));
            return new RootOut(5);
        }).AsRoot(maxConcurrency: 4);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(0), onDone);

        var got = (await callbacks.First).Results!;
        Assert.Equal("""[{"n":10},{"n":20},{"n":103},[{"n":70},{"n":80}],{"n":30}]""", JsonSerializer.Serialize(got));
        Assert.Equal(new ChildOut(30), await awaited.Task.WaitAsync(Wait));
        Assert.Equal(5, await callback.ResultAsync<int>().WaitAsync(Wait));
        Assert.Equal(new RootOut(5), await rootSig.ResultAsync<RootOut>().WaitAsync(Wait));

        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        var swarm = await RootTaskAssert.FieldsAsync(h, swarmId, "name", "kind", "status", "total", "nok", "nfail", "maxc");
        Assert.Equal($"root-swarm:{root.Name}", swarm["name"]);
        Assert.Equal(("swarm", "done", "5", "5", "0", "4"), (swarm["kind"], swarm["status"], swarm["total"], swarm["nok"], swarm["nfail"], swarm["maxc"]));
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, callbacks.Count);
    }

    [Fact]
    public async Task RootBody_PlainSdkTriggersByDeclarationAndByName_RunUnderLimitAndCount()
    {
        const int Limit = 2;
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var child = h.Task("child", gate.Passing<ChildIn, ChildOut>(i => new ChildOut(i.N)));
        var (onDone, callbacks) = h.Recorder<ChildResultsIn, int>("done", 0);
        var refs = new ConcurrentQueue<WorkflowRunRef>();
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            for (var n = 0; n < 3; n++)
            {
                refs.Enqueue(await child.RunNoWaitAsync(new ChildIn(n), cancellationToken: ctx.CancellationToken));
            }

            for (var n = 3; n < 6; n++)
            {
                refs.Enqueue(await h.Client.RunNoWaitAsync(child.Name, new ChildIn(n), cancellationToken: ctx.CancellationToken));
            }

            return new RootOut(6);
        }).AsRoot(maxConcurrency: Limit);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(0), onDone);
        for (var wave = 0; wave < 6 / Limit; wave++)
        {
            await gate.ArrivalsAsync(Limit);
            Assert.Equal(Limit, gate.Running);
            gate.Release(Limit);
        }

        var got = (await callbacks.First).Results!;
        Assert.Equal(Enumerable.Range(0, 6).Select(n => new ChildOut(n)), got);
        Assert.Equal(Limit, gate.Peak);
        Assert.Equal(6, gate.Entered);
        Assert.Equal(6, refs.Count);
        Assert.All(refs, r => Assert.NotNull(r.QueuedAs));
        Assert.Equal(6, refs.Select(r => r.QueuedAs).Distinct().Count());

        // The plain triggers' references still give their results (from the signatures they were queued as).
        Assert.Equal(Enumerable.Range(0, 6).Select(n => new ChildOut(n)), await Task.WhenAll(refs.Select(r => r.ResultAsync<ChildOut>().WaitAsync(Wait))));
        await callback.ResultAsync<int>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, callbacks.Count);
    }

    [Fact]
    public async Task RootBody_WithoutRootSwarm_ExcludedChildrenEscapeLimitAndDoNotHoldCallback()
    {
        const int Limit = 2;
        using var tracked = new Gate();
        using var excluded = new Gate();
        await using var h = fixture.Flow();
        var trackedTask = h.Task("tracked", tracked.Passing<ChildIn, ChildOut>(i => new ChildOut(i.N)));
        var excludedTask = h.Task("excluded", excluded.Passing<ChildIn, ChildOut>(i => new ChildOut(i.N)));
        var (onDone, callbacks) = h.Recorder<ChildResultsIn, int>("done", _ => excluded.Running);
        var excludedSignatures = new ConcurrentQueue<Signature>();
        var excludedRuns = new ConcurrentQueue<WorkflowRunRef>();
        var scopes = new ConcurrentQueue<string?>();
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            var mf = h.MageFlow;
            scopes.Enqueue(MageFlowScope.CurrentRootSwarmId);

            // Excluded first: were they captured, they would take both slots and the tracked children could not start.
            using (MageFlowScope.WithoutRootSwarm())
            {
                scopes.Enqueue(MageFlowScope.CurrentRootSwarmId);
                for (var n = 100; n < 102; n++)
                {
                    var sig = await mf.SignAsync(excludedTask);
                    await sig.RunNoWaitAsync(new ChildIn(n));
                    excludedSignatures.Enqueue(sig);
                }

                excludedRuns.Enqueue(await excludedTask.RunNoWaitAsync(new ChildIn(102), cancellationToken: ctx.CancellationToken));
            }

            scopes.Enqueue(MageFlowScope.CurrentRootSwarmId);
            await (await mf.SignAsync(trackedTask)).RunNoWaitAsync(new ChildIn(0));
            await trackedTask.RunNoWaitAsync(new ChildIn(1), cancellationToken: ctx.CancellationToken);
            return new RootOut(2);
        }).AsRoot(maxConcurrency: Limit);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(0), onDone);

        // Five children run at once under a limit of 2: the three excluded ones do not count.
        await excluded.ArrivalsAsync(3);
        await tracked.ArrivalsAsync(Limit);
        Assert.Equal(3, excluded.Running);
        Assert.Equal(Limit, tracked.Running);
        tracked.Open();

        // The callback fires while every excluded child is still held at its gate.
        var got = (await callbacks.First).Results!;
        Assert.Equal([new ChildOut(0), new ChildOut(1)], got);
        Assert.Equal(3, await callback.ResultAsync<int>().WaitAsync(Wait));
        Assert.Equal(3, excluded.Running);
        Assert.Equal(0, excluded.Entered - excluded.Running);

        excluded.Open();
        foreach (var sig in excludedSignatures)
        {
            Assert.Equal(SignatureStatus.Done, await RootTaskAssert.FinalStatusAsync(mf, sig.Id));
            Assert.Equal(string.Empty, (await RootTaskAssert.FieldsAsync(h, sig.Id, "parent"))["parent"]);
        }

        var plain = Assert.Single(excludedRuns);
        Assert.Null(plain.QueuedAs);
        Assert.Equal(new ChildOut(102), await plain.ResultAsync<ChildOut>().WaitAsync(Wait));

        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        Assert.Equal([swarmId, null, swarmId], scopes);
        Assert.Equal("2", (await RootTaskAssert.FieldsAsync(h, swarmId, "total"))["total"]);
        Assert.Equal(Limit, tracked.Peak);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, callbacks.Count);
    }

    [Fact]
    public async Task RootBody_PublishesNothing_CallbacksFireOnReturnWithEmptyList()
    {
        await using var h = fixture.Flow();
        var (onDone, callbacks) = h.Recorder<ResultsIn, int>("done", i => i.Results?.Count ?? -1);
        var (onError, errors) = h.Recorder<RootIn, int>("err", 0);
        var root = h.Task<RootIn, RootOut>("root", (_, _) => Task.FromResult(new RootOut(0))).AsRoot(maxConcurrency: 3);
        var mf = await h.StartAsync(slots: 10);

        var (rootSig, callback, errorCallback) = await RootRuns.StartAsync(mf, root, new RootIn(0), onDone, onError);

        Assert.Equal([], (await callbacks.First).Results!);
        Assert.Equal(0, await callback.ResultAsync<int>().WaitAsync(Wait));
        Assert.Equal(new RootOut(0), await rootSig.ResultAsync<RootOut>().WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Canceled, await errorCallback.GetStatusAsync());
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, callbacks.Count);
        Assert.Equal(0, errors.Count);
    }

    [Fact]
    public async Task RootBody_PublishesInnerRoot_OuterCallbackWaitsForInnerChildrenAndInnerCallbackFires()
    {
        using var gate = new Gate();
        var timeline = new Timeline();
        await using var h = fixture.Flow();
        var leaf = h.Task<ChildIn, ChildOut>("leaf", async (i, ctx) =>
        {
            await gate.PassAsync(ctx.CancellationToken);
            timeline.Mark($"leaf-finished:{i.N}");
            return new ChildOut(i.N);
        });
        var innerCallbacks = new Probe<ChildResultsIn>();
        var onInnerDone = h.Task<ChildResultsIn, int>("innerdone", (i, _) =>
        {
            timeline.Mark("inner-callback-started");
            innerCallbacks.Record(i);
            return Task.FromResult(0);
        });
        var outerCallbacks = new Probe<ResultsIn>();
        var onOuterDone = h.Task<ResultsIn, int>("outerdone", (i, _) =>
        {
            timeline.Mark("outer-callback-started");
            outerCallbacks.Record(i);
            return Task.FromResult(0);
        });
        var inner = h.Task<RootIn, RootOut>("inner", async (input, ctx) =>
        {
            for (var n = 0; n < 3; n++)
            {
                await (await h.MageFlow.SignAsync(leaf)).RunNoWaitAsync(new ChildIn(n));
            }

            return new RootOut(3);
        }).AsRoot(maxConcurrency: 3);
        var innerIds = new ConcurrentQueue<string>();
        var single = h.Task<ChildIn, ChildOut>("single", (i, _) => Task.FromResult(new ChildOut(i.N)));
        var outer = h.Task<RootIn, RootOut>("outer", async (input, ctx) =>
        {
            var mf = h.MageFlow;
            var innerSig = await mf.SignAsync(inner, successCallbacks: [await mf.SignAsync(onInnerDone)]);
            innerIds.Enqueue(innerSig.Id);
            await innerSig.RunNoWaitAsync(new RootIn(1));
            await (await mf.SignAsync(single)).RunNoWaitAsync(new ChildIn(1000));
            return new RootOut(2);
        }).AsRoot(maxConcurrency: 2);
        var mf = await h.StartAsync(slots: 20);

        var (outerSig, outerCallback) = await RootRuns.StartAsync(mf, outer, new RootIn(0), onOuterDone);

        // Both root bodies have returned and the inner root's children are still running.
        Assert.Equal(new RootOut(2), await outerSig.ResultAsync<RootOut>().WaitAsync(Wait));
        await gate.ArrivalsAsync(3);
        var innerSig = await mf.GetAsync(Assert.Single(innerIds));
        Assert.Equal(new RootOut(3), await innerSig!.ResultAsync<RootOut>().WaitAsync(Wait));
        Assert.Equal(0, outerCallbacks.Count);
        gate.Open();

        var outerGot = (await outerCallbacks.First).Results!;
        Assert.Equal("""[[{"n":0},{"n":1},{"n":2}],{"n":1000}]""", JsonSerializer.Serialize(outerGot));
        Assert.Equal([new ChildOut(0), new ChildOut(1), new ChildOut(2)], (await innerCallbacks.First).Results);
        await outerCallback.ResultAsync<int>().WaitAsync(Wait);
        Assert.All(timeline.Matching("leaf-finished:"), finished => Assert.True(finished < timeline["outer-callback-started"], "the outer callback started before an inner child finished"));
        Assert.All(timeline.Matching("leaf-finished:"), finished => Assert.True(finished < timeline["inner-callback-started"], "the inner callback started before an inner child finished"));
        Assert.Equal(3, timeline.Matching("leaf-finished:").Count);

        await h.AssertRedisCleanAsync();
        Assert.Equal(1, outerCallbacks.Count);
        Assert.Equal(1, innerCallbacks.Count);
        Assert.Equal(2, (await RootTaskAssert.SignaturesNamedAsync(h, "root-swarm:")).Count);
    }
}

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>Failing children, failing and retried root bodies.</summary>
[Collection(RootTasksCollection.Name)]
public sealed class RootTaskFailureTests(MageFlowFixture fixture)
{
    public sealed record FlakyIn(int N, bool Fail);

    [Fact]
    public async Task RootSwarm_StopAfterNFailures_QueuedChildrenNeverRunAndErrorCallbacksFireOnce()
    {
        const int Children = 8;
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var executed = new ConcurrentDictionary<int, int>();
        var child = h.Task<FlakyIn, ChildOut>("child", async (i, ctx) =>
        {
            executed.Increment(i.N);
            if (i.Fail)
            {
                throw new InvalidOperationException($"child {i.N} failed");
            }

            await gate.PassAsync(ctx.CancellationToken);
            return new ChildOut(i.N);
        });
        var (onDone, successes) = h.Recorder<ResultsIn, int>("done", 0);
        var (onError, errors) = h.Recorder<RootIn, int>("err", 0);
        var childIds = new string[Children];
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            // Children 0 and 1 fail at once; the first failure starts child 2 (held at the gate); the second stops the swarm.
            await RootRuns.SpawnAsync(h.MageFlow, child, childIds, n => new FlakyIn(n, n < 2));
            return new RootOut(Children);
        }).AsRoot(maxConcurrency: 2, stopAfterNFailures: 2);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback, errorCallback) = await RootRuns.StartAsync(mf, root, new RootIn(42, "batch"), onDone, onError);

        // The second failure stops the swarm, but child 2 is still running: the swarm waits for it (failing, not yet
        // failed), and the error callbacks wait with it.
        await gate.ArrivalsAsync(1);
        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        await RootTaskAssert.EventuallyAsync(async () => (await RootTaskAssert.FieldsAsync(h, swarmId, "failing"))["failing"] is { Length: > 0 });
        Assert.Equal("active", (await RootTaskAssert.FieldsAsync(h, swarmId, "status"))["status"]);
        Assert.Equal(0, errors.Count);
        gate.Open();

        // The error callback gets the root's original message.
        Assert.Equal(new RootIn(42, "batch"), await errors.First);
        await errorCallback.ResultAsync<int>().WaitAsync(Wait);

        Assert.Equal(new RootOut(Children), await rootSig.ResultAsync<RootOut>().WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Failed, await RootTaskAssert.FinalStatusAsync(mf, childIds[0]));
        Assert.Equal(SignatureStatus.Failed, await RootTaskAssert.FinalStatusAsync(mf, childIds[1]));
        Assert.Equal(SignatureStatus.Done, await RootTaskAssert.FinalStatusAsync(mf, childIds[2]));
        for (var n = 3; n < Children; n++)
        {
            Assert.Equal(SignatureStatus.Canceled, await RootTaskAssert.FinalStatusAsync(mf, childIds[n]));
        }

        var swarm = await RootTaskAssert.FieldsAsync(h, swarmId, "status", "nfail", "nok", "error");
        Assert.Equal(("failed", "2", "1"), (swarm["status"], swarm["nfail"], swarm["nok"]));
        Assert.Equal("swarm stopped after 2 failure(s)", swarm["error"]);
        Assert.Equal(SignatureStatus.Canceled, await callback.GetStatusAsync());
        await h.AssertRedisCleanAsync();
        Assert.Equal([0, 1, 2], executed.Keys.Order());
        Assert.All(executed.Values, c => Assert.Equal(1, c));
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
    }

    [Fact]
    public async Task RootBody_FailsOnEveryAttempt_ErrorCallbacksFireOnceAfterLastAttempt()
    {
        await using var h = fixture.Flow();
        var executed = new ConcurrentDictionary<int, int>();
        var child = CountingChild(h, executed);
        var (onDone, successes) = h.Recorder<ResultsIn, int>("done", 0);
        var (onError, errors) = h.Recorder<RootIn, int>("err", 0);
        var attempts = new ConcurrentQueue<int>();
        var childIds = new ConcurrentDictionary<string, int>();
        var root = h.Task<RootIn, RootOut>(
            "root",
            async (input, ctx) =>
            {
                attempts.Enqueue(ctx.RetryCount);
                for (var n = 0; n < 2; n++)
                {
                    var sig = await h.MageFlow.SignAsync(child);
                    childIds[sig.Id] = n;
                    await sig.RunNoWaitAsync(new ChildIn(n));
                }

                throw new InvalidOperationException($"attempt {ctx.RetryCount} fails");
            },
            new TaskOptions { Retries = 1 }).AsRoot(maxConcurrency: 4);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback, errorCallback) = await RootRuns.StartAsync(mf, root, new RootIn(7, "doomed"), onDone, onError);

        Assert.Equal(new RootIn(7, "doomed"), await errors.First);
        await errorCallback.ResultAsync<int>().WaitAsync(Wait);
        var failed = await Assert.ThrowsAsync<SignatureFailedException>(() => rootSig.ResultAsync<RootOut>().WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Failed, failed.Status);
        Assert.Contains("attempt 1 fails", failed.Error, StringComparison.Ordinal);
        Assert.Equal([0, 1], attempts);

        // The retry found the same two children; they ran once and their swarm is stopped.
        Assert.Equal(2, childIds.Count);
        foreach (var id in childIds.Keys)
        {
            Assert.Equal(SignatureStatus.Done, await RootTaskAssert.FinalStatusAsync(mf, id));
        }

        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        var swarm = await RootTaskAssert.FieldsAsync(h, swarmId, "status", "error", "total");
        Assert.Equal(("failed", "2"), (swarm["status"], swarm["total"]));
        Assert.StartsWith("root task failed: InvalidOperationException: attempt 1 fails", swarm["error"], StringComparison.Ordinal);
        Assert.Equal(SignatureStatus.Canceled, await callback.GetStatusAsync());
        await h.AssertRedisCleanAsync();
        Assert.Equal([0, 1], executed.Keys.Order());
        Assert.All(executed.Values, c => Assert.Equal(1, c));
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
        Assert.Single(await RootTaskAssert.SignaturesNamedAsync(h, "root-swarm:"));
    }

    [Fact]
    public async Task RootBody_ThrowsRightAfterSpawning_ChildrenJoinTheStoppedSwarmAndNoneIsLeftPending()
    {
        const int Children = 3;
        await using var h = fixture.Flow();
        var executed = new ConcurrentDictionary<int, int>();
        var child = CountingChild(h, executed);
        var (onError, errors) = h.Recorder<RootIn, int>("err", 0);
        var childIds = new string[Children];
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            await RootRuns.SpawnAsync(h.MageFlow, child, childIds, n => new ChildIn(n));
            throw new InvalidOperationException("fails right after spawning");
        }).AsRoot(maxConcurrency: 1);
        var mf = await h.StartAsync(slots: 20);

        var errorCallback = await mf.SignAsync(onError);
        var rootSig = await mf.SignAsync(root, errorCallbacks: [errorCallback]);
        await rootSig.RunNoWaitAsync(new RootIn(5));

        Assert.Equal(new RootIn(5), await errors.First);
        await errorCallback.ResultAsync<int>().WaitAsync(Wait);

        // Published before the failure, so they joined the swarm: the first took the only slot and ran, the queued
        // ones were canceled with the swarm. None may stay pending (it would never run, nor expire soon).
        Assert.Equal(SignatureStatus.Done, await RootTaskAssert.FinalStatusAsync(mf, childIds[0]));
        for (var n = 1; n < Children; n++)
        {
            Assert.Equal(SignatureStatus.Canceled, await RootTaskAssert.FinalStatusAsync(mf, childIds[n]));
        }

        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        var swarm = await RootTaskAssert.FieldsAsync(h, swarmId, "status", "total", "nok");
        Assert.Equal(("failed", "3", "1"), (swarm["status"], swarm["total"], swarm["nok"]));
        await h.AssertRedisCleanAsync();
        Assert.Equal([0], executed.Keys);
        Assert.Equal(1, errors.Count);
    }

    [Fact]
    public async Task RootBody_RetriedAfterSpawningChildren_EachChildRunsOnceInOneSwarm()
    {
        const int K = 4;
        await using var h = fixture.Flow();
        var executed = new ConcurrentDictionary<int, int>();
        var child = CountingChild(h, executed);
        var (onDone, callbacks) = h.Recorder<ChildResultsIn, int>("done", 0);
        var idsByAttempt = new ConcurrentDictionary<int, List<string>>();
        var swarmByAttempt = new ConcurrentDictionary<int, string>();
        var root = h.Task<RootIn, RootOut>(
            "root",
            async (input, ctx) =>
            {
                swarmByAttempt[ctx.RetryCount] = MageFlowScope.CurrentRootSwarmId!;
                var ids = new List<string>();
                for (var n = 0; n < K; n++)
                {
                    if (n % 2 == 0)
                    {
                        var sig = await h.MageFlow.SignAsync(child);
                        ids.Add(sig.Id);
                        await sig.RunNoWaitAsync(new ChildIn(n));
                    }
                    else
                    {
                        ids.Add((await child.RunNoWaitAsync(new ChildIn(n), cancellationToken: ctx.CancellationToken)).QueuedAs!);
                    }
                }

                idsByAttempt[ctx.RetryCount] = ids;
                if (ctx.RetryCount == 0)
                {
                    throw new InvalidOperationException("the first attempt fails after spawning its children");
                }

                return new RootOut(K);
            },
            new TaskOptions { Retries = 1 }).AsRoot(maxConcurrency: 2);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(0), onDone);

        Assert.Equal(Enumerable.Range(0, K).Select(n => new ChildOut(n)), (await callbacks.First).Results);
        Assert.Equal(new RootOut(K), await rootSig.ResultAsync<RootOut>().WaitAsync(Wait));
        await callback.ResultAsync<int>().WaitAsync(Wait);

        Assert.Equal([0, 1], idsByAttempt.Keys.Order());
        Assert.Equal(idsByAttempt[0], idsByAttempt[1]);
        Assert.Equal(K, idsByAttempt[0].Distinct().Count());
        Assert.Equal(swarmByAttempt[0], swarmByAttempt[1]);
        var swarms = await RootTaskAssert.SignaturesNamedAsync(h, "root-swarm:");
        Assert.Equal([swarmByAttempt[0]], swarms);
        var swarm = await RootTaskAssert.FieldsAsync(h, swarms[0], "status", "total", "nok");
        Assert.Equal(("done", "4", "4"), (swarm["status"], swarm["total"], swarm["nok"]));
        Assert.Equal(K, await h.Db.ListLengthAsync(h.Keys.Swarm(swarms[0], SwarmPart.Items)));
        await h.AssertRedisCleanAsync();
        Assert.Equal(Enumerable.Range(0, K), executed.Keys.Order());
        Assert.All(executed.Values, c => Assert.Equal(1, c));
        Assert.Equal(1, callbacks.Count);
    }

    [Fact]
    public async Task RootBody_TimesOutIgnoringCancellation_ErrorCallbacksFireAndSuccessNever()
    {
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", (i, _) => Task.FromResult(new ChildOut(i.N)));
        var (onDone, successes) = h.Recorder<ResultsIn, int>("done", 0);
        var (onError, errors) = h.Recorder<RootIn, int>("err", 0);
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bodyReturned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = h.Task<RootIn, RootOut>(
            "root",
            async (input, ctx) =>
            {
                await (await h.MageFlow.SignAsync(child)).RunNoWaitAsync(new ChildIn(1));

                // Ignores its cancellation: the engine fails the run on its timeout while the body still runs.
                await stuck.Task.WaitAsync(Wait);
                bodyReturned.TrySetResult();
                return new RootOut(1);
            },
            new TaskOptions { ExecutionTimeout = TimeSpan.FromSeconds(1) }).AsRoot(maxConcurrency: 2);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback, errorCallback) = await RootRuns.StartAsync(mf, root, new RootIn(3, "slow"), onDone, onError);

        Assert.Equal(new RootIn(3, "slow"), await errors.First);
        var failed = await Assert.ThrowsAsync<SignatureFailedException>(() => rootSig.ResultAsync<RootOut>().WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Failed, failed.Status);

        await errorCallback.ResultAsync<int>().WaitAsync(Wait);

        // The body returns late (stopping the worker waits until its wrapper is done too); that must not
        // close the stopped swarm as a success.
        stuck.TrySetResult();
        await bodyReturned.Task.WaitAsync(Wait);
        await h.Worker.StopAsync();
        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        Assert.Equal(SignatureStatus.Failed, await RootTaskAssert.FinalStatusAsync(mf, swarmId));
        Assert.Equal(SignatureStatus.Canceled, await callback.GetStatusAsync());
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
    }

    /// <summary>A child task that counts its executions by input.</summary>
    private static TaskDeclaration<ChildIn, ChildOut> CountingChild(FlowHarness h, ConcurrentDictionary<int, int> executed) =>
        h.Task<ChildIn, ChildOut>("child", (i, _) =>
        {
            executed.Increment(i.N);
            return Task.FromResult(new ChildOut(i.N));
        });
}

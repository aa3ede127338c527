using MageFlow.Hatchet.Orchestration.Flows;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>Cancel, suspend, interrupt and resume on a root's signature act on its whole flow, before and after the body returns.</summary>
[Collection(RootTasksCollection.Name)]
public sealed class RootLifecycleTests(MageFlowFixture fixture)
{
    private const int Children = 4;

    [Fact]
    public async Task CancelAsync_AfterBodyReturned_NoQueuedChildStartsAndNoSuccessCallback()
    {
        using var gate = new Gate();
        var executed = new ConcurrentDictionary<int, int>();
        await using var h = fixture.Flow();
        var (mf, rootSig, callback, successes, ids) = await StartReturnedRootAsync(h, GatedChild(h, gate, executed), gate, Children);
        await rootSig.CancelAsync();
        gate.Open();

        var outcome = await rootSig.Flow.WaitAsync().WaitAsync(Wait);
        Assert.Equal(FlowStatus.Canceled, outcome.Status);
        foreach (var id in ids)
        {
            Assert.Equal(SignatureStatus.Canceled, await RootTaskAssert.FinalStatusAsync(mf, id));
        }

        // The running child was cancelled through the engine; the queued ones never started.
        Assert.Equal([0], executed.Keys.Order());
        Assert.Equal(SignatureStatus.Canceled, await callback.GetStatusAsync());
        Assert.Equal(0, successes.Count);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task CancelAsync_WhileBodyRuns_BodyAndChildrenCanceled()
    {
        using var gate = new Gate();
        using var bodyGate = new Gate();
        var executed = new ConcurrentDictionary<int, int>();
        await using var h = fixture.Flow();
        var child = GatedChild(h, gate, executed);
        var (onDone, successes) = h.Recorder<ResultsIn, int>("done", 0);
        var ids = new string[Children];
        var bodyCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            await RootRuns.SpawnAsync(MageFlowClient.Current, child, ids, n => new ChildIn(n));
            try
            {
                await bodyGate.PassAsync(ctx.CancellationToken);
            }
            catch (OperationCanceledException) when (ctx.CancellationToken.IsCancellationRequested)
            {
                bodyCancelled.TrySetResult();
                throw;
            }

            return new RootOut(Children);
        }).AsRoot(maxConcurrency: 2);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(2), onDone);
        await bodyGate.ArrivalsAsync(1);
        await gate.ArrivalsAsync(2);
        await rootSig.CancelAsync();
        await bodyCancelled.Task.WaitAsync(Wait);
        gate.Open();

        Assert.Equal(FlowStatus.Canceled, (await rootSig.Flow.WaitAsync().WaitAsync(Wait)).Status);
        Assert.Equal(SignatureStatus.Canceled, await RootTaskAssert.FinalStatusAsync(mf, rootSig.Id));
        foreach (var id in ids)
        {
            Assert.Equal(SignatureStatus.Canceled, await RootTaskAssert.FinalStatusAsync(mf, id));
        }

        Assert.Equal([0, 1], executed.Keys.Order());
        Assert.Equal(SignatureStatus.Canceled, await callback.GetStatusAsync());
        Assert.Equal(0, successes.Count);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task SuspendAsync_AfterBodyReturned_HoldsQueuedChildrenUntilResume()
    {
        using var gate = new Gate();
        var executed = new ConcurrentDictionary<int, int>();
        await using var h = fixture.Flow();
        var (mf, rootSig, callback, successes, ids) = await StartReturnedRootAsync(h, GatedChild(h, gate, executed), gate, Children);
        await rootSig.SuspendAsync();
        gate.Open();

        // Child 0 keeps running and keeps its result; nothing else starts while the flow is suspended.
        Assert.Equal(SignatureStatus.Done, await RootTaskAssert.FinalStatusAsync(mf, ids[0]));
        var held = await rootSig.Flow.GetProgressAsync();
        Assert.Equal((SignatureStatus.Suspended, 1, 3), (held.Status, held.Done, held.Queued));
        Assert.Equal([0], executed.Keys.Order());
        Assert.Equal(0, successes.Count);

        await rootSig.ResumeAsync();
        var outcome = await rootSig.Flow.WaitAsync().WaitAsync(Wait);
        Assert.Equal(FlowStatus.Done, outcome.Status);
        Assert.Equal(Enumerable.Range(0, Children), (await successes.First).Results!.Select(r => r.N));
        Assert.Equal(0, await callback.ResultAsync<int>().WaitAsync(Wait));
        Assert.All(executed.Values, c => Assert.Equal(1, c));
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task InterruptAsync_AfterBodyReturned_CancelsRunningChildAndResumeRerunsIt()
    {
        using var gate = new Gate();
        var executed = new ConcurrentDictionary<int, int>();
        await using var h = fixture.Flow();
        var cancelled = 0;
        var child = h.Task<ChildIn, ChildOut>("child", async (i, ctx) =>
        {
            executed.Increment(i.N);
            try
            {
                await gate.PassAsync(ctx.CancellationToken);
                return new ChildOut(i.N);
            }
            catch (OperationCanceledException) when (ctx.CancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
        });
        var (mf, rootSig, _, successes, ids) = await StartReturnedRootAsync(h, child, gate, 2);
        await rootSig.InterruptAsync();
        var child0 = (await mf.GetAsync(ids[0]))!;
        await RootTaskAssert.EventuallyAsync(async () => (await RootTaskAssert.FieldsAsync(h, ids[0], "run"))["run"] is "" or null);
        Assert.Equal(SignatureStatus.Interrupted, await child0.GetStatusAsync());
        await RootTaskAssert.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref cancelled) == 1));

        gate.Open();
        await rootSig.ResumeAsync();
        Assert.Equal(FlowStatus.Done, (await rootSig.Flow.WaitAsync().WaitAsync(Wait)).Status);
        Assert.Equal([0, 1], (await successes.First).Results!.Select(r => r.N));

        // Child 0 ran twice: interrupted, then again after the resume; child 1 once.
        Assert.Equal(2, executed[0]);
        Assert.Equal(1, executed[1]);
        await h.AssertRedisCleanAsync();
    }

    /// <summary>Declares a root that publishes <paramref name="count"/> children of <paramref name="child"/> one at a time
    /// (maxConcurrency 1), runs it through its signature with a success callback, and returns once its body has
    /// returned and the first child is held at <paramref name="gate"/>.</summary>
    private static async Task<(MageFlowClient Mf, TaskSignature Root, TaskSignature Callback, Probe<ChildResultsIn> Successes, string[] Ids)> StartReturnedRootAsync(
        FlowHarness h, TaskDeclaration<ChildIn, ChildOut> child, Gate gate, int count)
    {
        var (onDone, successes) = h.Recorder<ChildResultsIn, int>("done", 0);
        var ids = new string[count];
        var root = h.Task<RootIn, RootOut>("root", async (input, _) =>
        {
            await RootRuns.SpawnAsync(MageFlowClient.Current, child, ids, n => new ChildIn(n));
            return new RootOut(count);
        }).AsRoot(maxConcurrency: 1);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(count), onDone);
        Assert.Equal(new RootOut(count), await rootSig.ResultAsync<RootOut>().WaitAsync(Wait));
        await gate.ArrivalsAsync(1);
        return (mf, rootSig, callback, successes, ids);
    }

    private static TaskDeclaration<ChildIn, ChildOut> GatedChild(FlowHarness h, Gate gate, ConcurrentDictionary<int, int> executed) =>
        h.Task<ChildIn, ChildOut>("child", async (i, ctx) =>
        {
            executed.Increment(i.N);
            await gate.PassAsync(ctx.CancellationToken);
            return new ChildOut(i.N);
        });
}

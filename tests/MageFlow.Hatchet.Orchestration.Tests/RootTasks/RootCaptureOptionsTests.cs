using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>A plain trigger captured inside a root body keeps every run option when the root swarm starts it later.</summary>
[Collection(RootTasksCollection.Name)]
public sealed class RootCaptureOptionsTests(MageFlowFixture fixture)
{
    public sealed record Seen(int N, int Priority, string? Team, string WorkerId);

    [Fact]
    public async Task CapturedTrigger_PriorityMetadataLabelsStickyAndKey_AllHonouredWhenTheSwarmStartsIt()
    {
        var seen = new ConcurrentQueue<Seen>();
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", (i, ctx) =>
        {
            var team = ctx.AdditionalMetadata.TryGetValue("team", out var t) ? t.GetString() : null;
            seen.Enqueue(new Seen(i.N, ctx.Priority, team, ctx.WorkerId));
            return Task.FromResult(new ChildOut(i.N));
        }, new TaskOptions { Sticky = StickyStrategy.Soft }); // without a strategy the engine ignores the sticky trigger's worker, as Hatchet does
        var root = h.Task<RootIn, RootOut>("root", async (input, _) =>
        {
            // 1: priority, metadata, and a label only the second worker has; 2: sticky to the root's worker;
            // 3: a child key used twice, one child.
            var labelled = new RunOptions { Priority = 3, AdditionalMetadata = { ["team"] = "ml" } };
            labelled.DesiredWorkerLabels["zone"] = new DesiredWorkerLabel("b", Required: true);
            await child.RunNoWaitAsync(new ChildIn(1), labelled);
            await child.RunNoWaitAsync(new ChildIn(2), new RunOptions { Sticky = true });
            var first = await child.RunNoWaitAsync(new ChildIn(3), new RunOptions { Key = "only-once" });
            var again = await child.RunNoWaitAsync(new ChildIn(3), new RunOptions { Key = "only-once" });
            Assert.Equal(first.QueuedAs, again.QueuedAs);
            return new RootOut(3);
        }).AsRoot(maxConcurrency: 4);
        var mf = await h.StartAsync(slots: 20);

        // More free slots than the root's worker: the engine would pick it for any child not held elsewhere, so only
        // stickiness keeps child 2 on the root's worker.
        await using var labelledWorker = new HatchetWorker(h.Client, new HatchetWorkerOptions(Names.Unique("zone-b")) { Slots = 100, Labels = { ["zone"] = "b" }, Workflows = { child } });
        await labelledWorker.StartAsync().WaitAsync(Wait);

        var rootSig = await mf.SignAsync(root);
        await rootSig.RunNoWaitAsync(new RootIn(0));
        var outcome = await rootSig.Flow.WaitAsync().WaitAsync(Wait);

        Assert.Equal(3, outcome.Counts.Done);
        var byChild = seen.ToDictionary(s => s.N);
        Assert.Equal(3, seen.Count);
        Assert.Equal(new Seen(1, 3, "ml", labelledWorker.WorkerId!), byChild[1]);
        Assert.Equal(h.Worker.WorkerId, byChild[2].WorkerId);
        Assert.NotEqual(3, byChild[2].Priority);
        Assert.Null(byChild[2].Team);
        await h.AssertRedisCleanAsync();
    }
}

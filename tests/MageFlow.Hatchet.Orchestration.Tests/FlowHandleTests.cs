using System.Text.Json;
using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Orchestration.Tests.RootTasks;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>A flow handle awaits a whole flow (a root with its children, transitively; a swarm; a chain) and reads its progress.</summary>
[Collection(RootTasksCollection.Name)]
public sealed class FlowHandleTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task WaitAsync_RootWithNestedRoot_ReturnsOnlyAfterTheLastChildEnded()
    {
        using var gate = new Gate();
        var timeline = new Timeline();
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", async (i, ctx) =>
        {
            await gate.PassAsync(ctx.CancellationToken);
            timeline.Mark($"child-end:{i.N}");
            return new ChildOut(i.N);
        });
        var inner = h.Task<RootIn, RootOut>("inner", async (input, _) =>
        {
            await child.RunNoWaitAsync(new ChildIn(100 + input.N));
            return new RootOut(1);
        }).AsRoot(maxConcurrency: 2);
        var outer = h.Task<RootIn, RootOut>("outer", async (input, _) =>
        {
            await child.RunNoWaitAsync(new ChildIn(0));
            await inner.RunNoWaitAsync(new RootIn(1));
            return new RootOut(2);
        }).AsRoot(maxConcurrency: 4);
        var mf = await h.StartAsync(slots: 20);

        var root = await mf.SignAsync(outer);
        await root.RunNoWaitAsync(new RootIn(0));
        var waiting = root.Flow.WaitAsync();

        // Both bodies return, and their children are held: the signature is done, the flow is not.
        Assert.Equal(new RootOut(2), await root.ResultAsync<RootOut>().WaitAsync(Wait));
        await gate.ArrivalsAsync(2);
        var progress = await root.Flow.GetProgressAsync();
        Assert.Equal((2, 2, 0, SignatureStatus.Active), (progress.Total, progress.Running, progress.Done, progress.Status));
        Assert.False(waiting.IsCompleted);

        gate.Open();
        var outcome = await waiting.WaitAsync(Wait);
        timeline.Mark("flow-awaited");
        Assert.True(timeline["flow-awaited"] > timeline.Matching("child-end:").Max());
        Assert.Equal(FlowStatus.Done, outcome.Status);
        Assert.Equal(new FlowProgress(2, 0, 0, 2, 0, 0, SignatureStatus.Done), outcome.Counts);
        Assert.True(outcome.Counts.IsFinished);

        // The results: the plain child's output, and the nested root's list of its own children's results.
        var results = outcome.GetResult<List<JsonElement>>()!;
        Assert.Equal(0, results[0].GetProperty("n").GetInt32());
        Assert.Equal(101, results[1][0].GetProperty("n").GetInt32());
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task GetProgressAsync_SwarmAndChain_CountsEachState()
    {
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var item = h.Task("item", gate.Passing<In, Out>(i => i.N < 0 ? throw new InvalidOperationException("negative") : new Out(i.N)));
        var mf = await h.StartAsync(slots: 20);

        var swarm = await mf.SwarmAsync(
            [
                await mf.SignAsync(item, new { n = 1 }),
                await mf.SignAsync(item, new { n = -1 }),
                await mf.SignAsync(item, new { n = 3 }),
            ],
            new SwarmConfig(MaxConcurrency: 2),
            closed: true);
        await swarm.RunNoWaitAsync();
        await gate.ArrivalsAsync(2);
        Assert.Equal(new FlowProgress(3, 1, 2, 0, 0, 0, SignatureStatus.Active), await swarm.Flow.GetProgressAsync());
        gate.Open();
        var swarmOutcome = await swarm.Flow.WaitAsync().WaitAsync(Wait);
        Assert.Equal(FlowStatus.Done, swarmOutcome.Status);
        Assert.Equal((3, 2, 1), (swarmOutcome.Counts.Total, swarmOutcome.Counts.Done, swarmOutcome.Counts.Failed));

        var chain = await mf.ChainAsync([await mf.SignAsync(item, new { n = 5 }), await mf.SignAsync(item, new { n = -5 }), await mf.SignAsync(item, new { n = 6 })]);
        await chain.RunNoWaitAsync();
        var chainOutcome = await chain.Flow.WaitAsync().WaitAsync(Wait);
        Assert.Equal(FlowStatus.Failed, chainOutcome.Status);
        Assert.Contains("negative", chainOutcome.Error, StringComparison.Ordinal);
        Assert.Equal(new FlowProgress(3, 0, 0, 1, 1, 1, SignatureStatus.Failed), chainOutcome.Counts);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task GetProgressAsync_RecordExpired_SaysItIsMissingInsteadOfPending()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 5);
        var swarm = await mf.SwarmAsync([await mf.SignAsync(item, new { n = 1 })], closed: true);
        var task = await mf.SignAsync(item, new { n = 2 });
        Assert.Equal(SignatureStatus.Pending, (await task.Flow.GetProgressAsync()).Status);
        await swarm.RunNoWaitAsync();
        Assert.Equal(FlowStatus.Done, (await swarm.Flow.WaitAsync().WaitAsync(Wait)).Status);

        // The done TTL passes: the records are gone. A gone flow must not read as a flow not started yet.
        await h.Db.KeyDeleteAsync(h.Keys.Signature(swarm.Id));
        await h.Db.KeyDeleteAsync(h.Keys.Signature(task.Id));

        var swarmGone = await Assert.ThrowsAsync<Exceptions.MageFlowStateException>(() => swarm.Flow.GetProgressAsync());
        Assert.Equal("missing", swarmGone.Reason);
        Assert.Contains(swarm.Id, swarmGone.Message, StringComparison.Ordinal);
        var taskGone = await Assert.ThrowsAsync<Exceptions.MageFlowStateException>(() => task.Flow.GetProgressAsync());
        Assert.Equal("missing", taskGone.Reason);
    }
}

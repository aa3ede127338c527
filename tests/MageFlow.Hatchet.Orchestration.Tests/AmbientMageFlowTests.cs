namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// The specification's global <c>mageflow</c> module: inside any task body, <see cref="MageFlowClient.Current"/> signs,
/// chains and swarms without a captured instance; attaching may come before or after the tasks are declared.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class AmbientMageFlowTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task Current_InsideTaskBody_SignsChainsAndSwarmsWithoutCapturedInstance()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N * 10)));
        var (onDone, results) = h.Recorder<SwarmResultsIn, int>("done", 0);
        var planner = h.Task<In, Out>("planner", async (input, ctx) =>
        {
            // No instance in scope: the running worker's MageFlow is the ambient one, as Python's global module.
            var mageflow = MageFlowClient.Current;
            var steps = await mageflow.ChainAsync([await item.SignAsync(new { n = input.N }), await item.SignAsync(new { n = input.N + 1 })]);
            var swarm = await mageflow.SwarmAsync([steps, await item.SignAsync(new { n = 7 })], successCallbacks: [await onDone.SignAsync()], closed: true);
            await swarm.RunNoWaitAsync(cancellationToken: ctx.CancellationToken);
            return new Out(0);
        });
        await h.StartAsync(slots: 20);

        await planner.RunAsync(new In(1)).WaitAsync(Wait);
        var received = await results.First;
        Assert.Equal([20, 70], received.MageflowResults!.Select(r => r.Value));
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public void Current_OutsideTaskBody_ThrowsNamingTheAlternatives()
    {
        var e = Assert.Throws<InvalidOperationException>(() => MageFlowClient.Current);
        Assert.Contains("MageFlowClient.For(client)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachBeforeDeclaring_TasksDeclaredLaterAreSignableByNameFromAnotherProcess()
    {
        await using var h = fixture.Flow();
        await h.AttachAsync();
        var late = h.Task<In, Out>("declared-after-attach", (i, _) => Task.FromResult(new Out(i.N + 1)));
        await h.StartWorkerAsync(slots: 4);

        // Another process (client and MageFlow of its own, same Redis prefix) has not declared the task.
        await using var other = fixture.Flow(prefix: h.Prefix);
        var mf = await other.AttachAsync();
        var sig = await mf.SignAsync(late.WorkflowName, new { n = 41 });
        Assert.Equal(new Out(42), await sig.RunAsync<Out>().WaitAsync(Wait));
        await h.AssertRedisCleanAsync();
    }
}

/// <summary>A swarm callback's input: the items' results (a chain contributes its last result).</summary>
public sealed record SwarmResultsIn(List<Out>? MageflowResults);

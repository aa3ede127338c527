using System.Collections.Concurrent;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// Child keys as Hatchet applies them: a spawn from a running task is looked up by (parent task, key), so a later spawn
/// with the key gets the first child run; spawns in flight together may each create a run, and both callers get a
/// result either way; another parent's key never matches.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class ChildKeyTests(DevEngineFixture fixture)
{
    public sealed record In(int N);

    public sealed record Out(int N);

    public sealed record Spawned(string[] RunIds, int[] Outputs);

    [Fact]
    public async Task SequentialSpawnsWithOneKey_GetOneChildRun()
    {
        await using var h = fixture.Harness();
        var (child, ran) = Child(h);
        var parent = h.Task<In, Spawned>("seq-parent", async (_, ctx) =>
        {
            var first = await child.RunNoWaitAsync(new In(1), new RunOptions { Key = "only-key" });
            var firstOut = await first.ResultAsync<Out>();
            var second = await child.RunNoWaitAsync(new In(2), new RunOptions { Key = "only-key" });
            var secondOut = await second.ResultAsync<Out>();
            return new Spawned([first.RunId, second.RunId], [firstOut.N, secondOut.N]);
        });
        await h.StartWorkerAsync(slots: 4);

        var spawned = await parent.RunAsync(new In(0)).WaitAsync(Wait);

        Assert.Equal(spawned.RunIds[0], spawned.RunIds[1]);
        Assert.Equal([1, 1], spawned.Outputs);
        Assert.Equal([1], ran);
    }

    [Fact]
    public async Task ConcurrentSpawnsWithOneKey_BothResolve_WithOneRunOrTwo()
    {
        await using var h = fixture.Harness();
        var (child, ran) = Child(h);
        var parent = h.Task<In, Spawned>("conc-parent", async (_, ctx) =>
        {
            var refs = await Task.WhenAll(
                child.RunNoWaitAsync(new In(1), new RunOptions { Key = "only-key" }),
                child.RunNoWaitAsync(new In(2), new RunOptions { Key = "only-key" }));
            var outs = await Task.WhenAll(refs.Select(r => r.ResultAsync<Out>()));
            return new Spawned([.. refs.Select(r => r.RunId)], [.. outs.Select(o => o.N)]);
        });
        await h.StartWorkerAsync(slots: 4);

        var spawned = await parent.RunAsync(new In(0)).WaitAsync(Wait);

        var runs = spawned.RunIds.Distinct().Count();
        Assert.InRange(runs, 1, 2);
        Assert.Equal(runs, ran.Count);
        Assert.Equal(runs == 1 ? [ran.Single(), ran.Single()] : [1, 2], spawned.Outputs);
    }

    [Fact]
    public async Task OneKeyFromTwoParents_NeverCollides()
    {
        await using var h = fixture.Harness();
        var (child, ran) = Child(h);
        var parent = h.Task<In, Spawned>("two-parents", async (input, ctx) =>
        {
            var run = await child.RunNoWaitAsync(new In(input.N), new RunOptions { Key = "only-key" });
            return new Spawned([run.RunId], [(await run.ResultAsync<Out>()).N]);
        });
        await h.StartWorkerAsync(slots: 4);

        var results = await Task.WhenAll(parent.RunAsync(new In(1)), parent.RunAsync(new In(2))).WaitAsync(Wait);

        Assert.NotEqual(results[0].RunIds[0], results[1].RunIds[0]);
        Assert.Equal([1, 2], results.Select(r => r.Outputs[0]));
        Assert.Equal([1, 2], ran.Order());
    }

    private static (TaskDeclaration<In, Out> Child, ConcurrentQueue<int> Ran) Child(HatchetHarness h)
    {
        var ran = new ConcurrentQueue<int>();
        var child = h.Task<In, Out>("keyed-child", (input, _) =>
        {
            ran.Enqueue(input.N);
            return Task.FromResult(new Out(input.N));
        });
        return (child, ran);
    }
}

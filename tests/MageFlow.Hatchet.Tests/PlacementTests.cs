using System.Collections.Concurrent;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// Where and in which order the engine runs tasks the SDK declares: run priority (per run, else the declaration's
/// default) orders the queue; a sticky strategy keeps a sticky child on its parent's worker; desired labels with a
/// comparator pick the worker. The dev engine gives ties to the worker with the most free slots, so each test offers a
/// roomier worker that only the rule under test keeps the task away from.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class PlacementTests(DevEngineFixture fixture)
{
    public sealed record In(int N);

    public sealed record Out(int N);

    [Fact]
    public async Task Priority_QueuedRunsStartHighestFirst_WithTheDeclaredDefaultForRunsThatNameNone()
    {
        await using var h = fixture.Harness();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new ConcurrentQueue<(int N, int Priority)>();
        var task = h.Task<In, Out>(
            "prio",
            async (input, ctx) =>
            {
                if (input.N == 0)
                {
                    started.SetResult();
                    await release.Task;
                }
                else
                {
                    order.Enqueue((input.N, ctx.Priority));
                }

                return new Out(input.N);
            },
            new TaskOptions { DefaultPriority = 2 });
        await h.StartWorkerAsync(slots: 1);

        // The one slot is busy, so the next three runs queue in the engine: low, default (medium), high.
        var blocker = await task.RunNoWaitAsync(new In(0)).WaitAsync(Wait);
        await started.Task.WaitAsync(Wait);
        var low = await task.RunNoWaitAsync(new In(1), new RunOptions { Priority = 1 }).WaitAsync(Wait);
        var medium = await task.RunNoWaitAsync(new In(2)).WaitAsync(Wait);
        var high = await task.RunNoWaitAsync(new In(3), new RunOptions { Priority = 3 }).WaitAsync(Wait);
        release.SetResult();
        foreach (var run in new[] { blocker, low, medium, high })
        {
            await run.ResultAsync<Out>().WaitAsync(Wait);
        }

        Assert.Equal([(3, 3), (2, 2), (1, 1)], order);
    }

    [Theory]
    [InlineData(StickyStrategy.Soft)]
    [InlineData(StickyStrategy.Hard)]
    public async Task StickyChild_RunsOnItsParentsWorker_AnUnstickyOneOnTheRoomierWorker(StickyStrategy strategy)
    {
        await using var h = fixture.Harness();
        var ranOn = new ConcurrentDictionary<int, string>();
        var child = h.Task<In, Out>(
            "sticky-child",
            (input, ctx) =>
            {
                ranOn[input.N] = ctx.WorkerId;
                return Task.FromResult(new Out(input.N));
            },
            new TaskOptions { Sticky = strategy });
        var parent = h.Task<In, Out>("sticky-parent", async (_, ctx) =>
        {
            await child.RunAsync(new In(1), new RunOptions { Sticky = true });
            await child.RunAsync(new In(2));
            return new Out(0);
        });
        var parentWorker = await h.StartWorkerAsync(slots: 2);
        await using var roomy = new HatchetWorker(h.Client, new HatchetWorkerOptions(Names.Unique("roomy")) { Slots = 100, Workflows = { child } });
        await roomy.StartAsync().WaitAsync(Wait);

        await parent.RunAsync(new In(0)).WaitAsync(Wait);

        Assert.Equal(parentWorker.WorkerId, ranOn[1]);
        Assert.Equal(roomy.WorkerId, ranOn[2]);
    }

    [Fact]
    public async Task DesiredLabels_RequiredComparatorAndPreferredWeight_PickTheWorker()
    {
        await using var h = fixture.Harness();
        var ranOn = new ConcurrentDictionary<int, string>();
        Func<In, TaskContext, Task<Out>> record = (input, ctx) =>
        {
            ranOn[input.N] = ctx.WorkerId;
            return Task.FromResult(new Out(input.N));
        };
        var small = new TaskOptions();
        small.DesiredWorkerLabels["memory"] = new DesiredWorkerLabel(512, Required: true, Comparator: WorkerLabelComparator.LessThan);
        var smallTask = h.Task("small-memory", record, small);
        var preferred = new TaskOptions();
        preferred.DesiredWorkerLabels["model"] = new DesiredWorkerLabel("xyz", Weight: 10);
        var preferredTask = h.Task("prefers-xyz", record, preferred);

        await using var tiny = new HatchetWorker(h.Client, new HatchetWorkerOptions(Names.Unique("tiny")) { Slots = 1, Labels = { ["memory"] = 256, ["model"] = "xyz" }, Workflows = { smallTask, preferredTask } });
        await using var big = new HatchetWorker(h.Client, new HatchetWorkerOptions(Names.Unique("big")) { Slots = 100, Labels = { ["memory"] = 1024, ["model"] = "abc" }, Workflows = { smallTask, preferredTask } });
        await tiny.StartAsync().WaitAsync(Wait);
        await big.StartAsync().WaitAsync(Wait);

        await smallTask.RunAsync(new In(1)).WaitAsync(Wait);
        await preferredTask.RunAsync(new In(2)).WaitAsync(Wait);

        // A run's own labels replace the task's: memory >= 1024 sends the small-memory task to the big worker.
        var overridden = new RunOptions();
        overridden.DesiredWorkerLabels["memory"] = new DesiredWorkerLabel(1024, Required: true, Comparator: WorkerLabelComparator.GreaterThanOrEqual);
        await smallTask.RunAsync(new In(3), overridden).WaitAsync(Wait);

        Assert.Equal(tiny.WorkerId, ranOn[1]);
        Assert.Equal(tiny.WorkerId, ranOn[2]);
        Assert.Equal(big.WorkerId, ranOn[3]);
    }
}

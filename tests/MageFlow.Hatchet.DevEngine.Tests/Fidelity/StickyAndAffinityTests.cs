using StickyStrategy = MageFlow.Hatchet.Protocol.V1.StickyStrategy;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Where Hatchet places a task (<c>rankWorkerIds</c> and <c>computeWeight</c>, pkg/scheduling/v1): a workflow's sticky
/// strategy makes the worker a task names preferred (SOFT) or the only one allowed (HARD), and without a strategy the
/// name is ignored; a task names its trigger's <c>desired_worker_id</c>, or, in a DAG, the worker that ran its parent.
/// Without a strategy, desired labels rank workers by the weights of the labels they match, a missing required label
/// rules a worker out, and labels given on the trigger replace the task's. Every test makes the engine choose between
/// a worker with one slot and a worker with many: the dev engine breaks ties by free slots, so only the rule tested can
/// send the task to the one-slot worker.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class StickyAndAffinityTests(EngineFixture fixture)
{
    [Fact]
    public async Task HardSticky_TaskWaitsForTheDesiredWorker_EvenWhenAnotherHasRoom()
    {
        var (name, action) = await DefineAsync(StickyStrategy.Hard);
        await using var desired = await RawWorker.StartAsync(fixture, Unique("desired"), [action], slots: 1);
        await using var other = await RawWorker.StartAsync(fixture, Unique("other"), [action], slots: 10);
        await ListeningAsync(desired, other);

        await TriggerAsync(name, desiredWorker: desired.WorkerId);
        await TriggerAsync(name, desiredWorker: desired.WorkerId);

        // The desired worker's one slot takes the first run; the second waits for that slot although 'other' is free.
        var first = await desired.NextAsync();
        await desired.CompleteAsync(first, "{}");
        var second = await desired.NextAsync();
        Assert.NotEqual(first.WorkflowRunId, second.WorkflowRunId);
        await desired.CompleteAsync(second, "{}");
        Assert.False(other.Actions.Reader.TryRead(out _));
    }

    [Fact]
    public async Task SoftSticky_PrefersTheDesiredWorker_AndFallsBackWhenItIsFull()
    {
        var (name, action) = await DefineAsync(StickyStrategy.Soft);
        await using var desired = await RawWorker.StartAsync(fixture, Unique("desired"), [action], slots: 1);
        await using var other = await RawWorker.StartAsync(fixture, Unique("other"), [action], slots: 10);
        await ListeningAsync(desired, other);

        var first = await TriggerAsync(name, desiredWorker: desired.WorkerId);
        Assert.Equal(first, (await desired.NextAsync()).WorkflowRunId);

        var second = await TriggerAsync(name, desiredWorker: desired.WorkerId);
        Assert.Equal(second, (await other.NextAsync()).WorkflowRunId);
    }

    [Fact]
    public async Task WithoutAStickyStrategy_TheDesiredWorkerIsIgnored()
    {
        var (name, action) = await DefineAsync(sticky: null);
        await using var desired = await RawWorker.StartAsync(fixture, Unique("desired"), [action], slots: 1);
        await using var other = await RawWorker.StartAsync(fixture, Unique("other"), [action], slots: 10);
        await ListeningAsync(desired, other);

        var run = await TriggerAsync(name, desiredWorker: desired.WorkerId);
        Assert.Equal(run, (await other.NextAsync()).WorkflowRunId);
    }

    [Fact]
    public async Task HardStickyDag_ChildTaskRunsOnTheWorkerThatRanItsParent()
    {
        var name = Unique("sticky-dag");
        var workflow = Define(name, TaskOpts("a", name + ":a"), TaskOpts("b", name + ":b", "a"));
        workflow.Sticky = StickyStrategy.Hard;
        await fixture.PutAsync(workflow);
        string[] actions = [name + ":a", name + ":b"];
        await using var first = await RawWorker.StartAsync(fixture, Unique("first"), actions, slots: 1);
        await ListeningAsync(first);
        var run = await TriggerAsync(name, desiredWorker: null);
        var a = await first.NextAsync();

        // A roomier worker joins; 'b' still goes to the worker that ran 'a'.
        await using var roomy = await RawWorker.StartAsync(fixture, Unique("roomy"), actions, slots: 10);
        await ListeningAsync(roomy);
        await first.CompleteAsync(a, "{}");
        var b = await first.NextAsync();
        Assert.Equal((run, name + ":b"), (b.WorkflowRunId, b.ActionId));
        await first.CompleteAsync(b, "{}");
        await fixture.WaitDoneAsync(run);
        Assert.False(roomy.Actions.Reader.TryRead(out _));
    }

    [Fact]
    public async Task PreferredLabels_RankWorkersByWeight_FullWorkersFallToTheNextRank()
    {
        var name = Unique("affinity");
        var task = TaskOpts("t", name + ":t");
        task.WorkerLabels["gpu"] = new DesiredWorkerLabels { StrValue = "yes", Weight = 10 };
        task.WorkerLabels["region"] = new DesiredWorkerLabels { StrValue = "eu", Weight = 50 };
        await fixture.PutAsync(Define(name, task));
        await using var gpu = await RawWorker.StartAsync(fixture, Unique("gpu"), [name + ":t"], slots: 1, labels: Labels(("gpu", "yes")));
        await using var eu = await RawWorker.StartAsync(fixture, Unique("eu"), [name + ":t"], slots: 1, labels: Labels(("region", "eu")));
        await using var plain = await RawWorker.StartAsync(fixture, Unique("plain"), [name + ":t"], slots: 10);
        await ListeningAsync(gpu, eu, plain);

        var runs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await TriggerAsync(name, desiredWorker: null));
        }

        Assert.Equal(runs[0], (await eu.NextAsync()).WorkflowRunId);
        Assert.Equal(runs[1], (await gpu.NextAsync()).WorkflowRunId);
        Assert.Equal(runs[2], (await plain.NextAsync()).WorkflowRunId);
    }

    [Fact]
    public async Task RequiredLabels_ComparatorsOrderIntegersOnly_AndTriggerLabelsReplaceTheTasks()
    {
        var name = Unique("required");
        var task = TaskOpts("t", name + ":t");
        task.WorkerLabels["memory"] = new DesiredWorkerLabels { IntValue = 512, Required = true, Comparator = WorkerLabelComparator.LessThan };
        await fixture.PutAsync(Define(name, task));
        await using var small = await RawWorker.StartAsync(fixture, Unique("small"), [name + ":t"], slots: 1, labels: Labels(("memory", 256)));
        await using var big = await RawWorker.StartAsync(fixture, Unique("big"), [name + ":t"], slots: 10, labels: Labels(("memory", 1024)));
        await ListeningAsync(small, big);

        // memory < 512: only the small worker qualifies.
        var run = await TriggerAsync(name, desiredWorker: null);
        Assert.Equal(run, (await small.NextAsync()).WorkflowRunId);

        // The trigger's labels replace the task's: a run asking for memory >= 1024 goes to the big worker.
        var request = new TriggerWorkflowRequest { Name = name, Input = "{}" };
        request.DesiredWorkerLabels["memory"] = new DesiredWorkerLabels { IntValue = 1024, Required = true, Comparator = WorkerLabelComparator.GreaterThanOrEqual };
        var overridden = (await fixture.Workflows.TriggerWorkflowAsync(request, fixture.Auth)).WorkflowRunId;
        Assert.Equal(overridden, (await big.NextAsync()).WorkflowRunId);
    }

    private async Task<(string Name, string Action)> DefineAsync(StickyStrategy? sticky)
    {
        var name = Unique("sticky");
        var workflow = Define(name, TaskOpts("t", name + ":t"));
        if (sticky is { } s)
        {
            workflow.Sticky = s;
        }

        await fixture.PutAsync(workflow);
        return (name, name + ":t");
    }

    private async Task<string> TriggerAsync(string name, string? desiredWorker)
    {
        var request = new TriggerWorkflowRequest { Name = name, Input = "{}" };
        if (desiredWorker is not null)
        {
            request.DesiredWorkerId = desiredWorker;
        }

        return (await fixture.Workflows.TriggerWorkflowAsync(request, fixture.Auth)).WorkflowRunId;
    }

    /// <summary>Waits until the workers' listen streams are open: only then can the engine place tasks on them.</summary>
    private static async Task ListeningAsync(params RawWorker[] workers)
    {
        foreach (var worker in workers)
        {
            await worker.HeartbeatAsync();
        }
    }

    private static Dictionary<string, WorkerLabels> Labels(params (string Key, object Value)[] labels) =>
        labels.ToDictionary(
            l => l.Key,
            l => l.Value is int i ? new WorkerLabels { IntValue = i } : new WorkerLabels { StrValue = (string)l.Value },
            StringComparer.Ordinal);
}

using System.Text.Json;
using MageFlow.Hatchet.Crons;
using MageFlow.Hatchet.Runs;
using MageFlow.Hatchet.Schedules;
using RunStatus = MageFlow.Hatchet.Runs.RunStatus;

namespace MageFlow.Hatchet.DevEngine.Tests.Interop;

/// <summary>
/// More of the official TypeScript SDK's examples, run unchanged against the dev engine (see the other part of this
/// class): sticky, priority, affinity, conditions, child index, and child keys through the SDK's public API. Scripts
/// the examples do not ship are in tests/interop/ts/parity-examples.js.
/// </summary>
public sealed partial class TypeScriptExampleTests
{
    private const string Parity = "parity-examples.js";

    [Fact]
    public async Task StickyExample_SoftStickyTaskSpawnsItsStickyChild_AndReturnsTheChildsResult()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var client = _scripts.Start(engine.Engine, Parity, "sticky");
        var done = await client.WaitForAsync("sticky", Wait);
        Assert.Equal(1, done.GetProperty("result").GetProperty("result").GetProperty("Value").GetInt32());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        Assert.Equal(2, engine.Engine.Counters.TasksCompleted);
    }

    [Fact]
    public async Task PriorityExample_DefaultsAndRunPriorityReachTheTasks_AndItsRunScriptSchedulesWithPriority()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/priority/worker.js");
        await WaitForWorkflowsAsync(engine, "priority", "priority-wf");

        // The task declares MEDIUM (2), the workflow LOW (1); a run's own priority wins.
        var client = _scripts.Start(engine.Engine, Parity, "priority");
        var seen = await client.WaitForAsync("priority", Wait);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        Assert.Equal(2, seen.GetProperty("default").GetProperty("priority").GetInt32());
        Assert.Equal(3, seen.GetProperty("high").GetProperty("priority").GetInt32());
        Assert.Equal(1, seen.GetProperty("workflow").GetProperty("child-medium").GetProperty("priority").GetInt32());
        Assert.Equal(1, seen.GetProperty("workflow").GetProperty("child-high").GetProperty("priority").GetInt32());

        // The example's run script schedules a run, delays another and creates a cron, all with HIGH priority.
        var run = _scripts.Start(engine.Engine, $"{Examples}/priority/run.js");
        Assert.Equal(0, await run.WaitForExitAsync(Wait));
        Assert.DoesNotContain("error", run.Output, StringComparison.Ordinal);
        await using var hatchet = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.Engine.ClientEnvironment));
        var scheduled = await hatchet.Schedules.ListAsync(new ListSchedulesQuery { WorkflowName = "priority" });
        Assert.Equal(2, scheduled.Count);
        Assert.All(scheduled, s => Assert.Equal(3, s.Priority));
        var cron = Assert.Single(await hatchet.Crons.ListAsync(new ListCronsQuery { WorkflowName = "priority" }));
        Assert.Equal(3, cron.Priority);
    }

    [Fact]
    public async Task AffinityExample_ChildStepsGoOnlyToWorkersWithTheirRequiredLabels()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/affinity/affinity-workers.js");
        await WaitForWorkflowsAsync(engine, "affinity-workflow", "child-affinity-workflow");
        await using var hatchet = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.Engine.ClientEnvironment));
        await Poll.UntilAsync(async () => (await hatchet.Workers.ListAsync()).Count == 2, "the example's two workers to register");

        var trigger = _scripts.Start(engine.Engine, Parity, "run", "affinity-workflow");
        await trigger.WaitForAsync("triggered", Wait);

        // step1 spawns its first child: child-step1 wants model=xyz (affinity-worker-2 has it) and completes;
        // child-step2 wants memory < 512, which neither worker (1024, 512) has, so it stays queued.
        await Poll.UntilAsync(() => engine.Engine.Counters.TasksCompleted == 1, "child-step1 to complete");
        var child = await FirstRunAsync(hatchet, "child-affinity-workflow");
        var details = await hatchet.Runs.GetAsync(child);
        Assert.Equal(RunStatus.Completed, details.Tasks.Single(t => t.TaskName == "child-step1").Status);
        Assert.Equal(RunStatus.Queued, details.Tasks.Single(t => t.TaskName == "child-step2").Status);

        // After the schedule timeout (5 minutes) the engine cancels the task that never found a worker.
        engine.Advance(TimeSpan.FromMinutes(5));
        await Poll.UntilAsync(async () => (await hatchet.Runs.GetAsync(child)).Status == RunStatus.Cancelled, "the child run to be cancelled");
        var step2 = (await hatchet.Runs.GetAsync(child)).Tasks.Single(t => t.TaskName == "child-step2");
        Assert.StartsWith("SCHEDULING_TIMED_OUT", step2.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(1, engine.Engine.Counters.TasksCompleted);
    }

    [Fact]
    public async Task ConditionsExample_RunScriptsSecondTaskStartsOnTheEventFromItsEventScript()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/conditions/worker.js");
        await WaitForWorkflowsAsync(engine, "simple");
        var run = _scripts.Start(engine.Engine, $"{Examples}/conditions/run.js");

        // 'second-task' waits for user:event OR a 10 s sleep; the example's event script pushes user:event.
        await Poll.UntilAsync(() => engine.Engine.Counters.TasksCompleted == 1, "the first task to complete");
        var push = _scripts.Start(engine.Engine, $"{Examples}/conditions/event.js");
        Assert.Equal(0, await push.WaitForExitAsync(Wait));

        Assert.Equal(0, await run.WaitForExitAsync(Wait));
        Assert.Equal(2, run.Output.Split('\n').Count(l => l.TrimEnd().EndsWith("| true", StringComparison.Ordinal)));
        Assert.Equal(2, engine.Engine.Counters.TasksCompleted);
    }

    [Fact]
    public async Task ComplexConditionsExample_SleepsEventsSkipsAndParentBranches_AddUpInSum()
    {
        await using var engine = await ClockedEngine.StartAsync();
        await _scripts.StartReadyAsync(engine.Engine, Parity, "conditions-worker");
        var client = _scripts.Start(engine.Engine, Parity, "conditions-complex");
        var runId = (await client.WaitForAsync("triggered", Wait)).GetProperty("runId").GetString()!;
        await Poll.UntilAsync(() => engine.Engine.Counters.TasksCompleted == 1, "'start' to complete");

        // skipOnEvent is skipped by its event; waitForEvent starts on its event (before its 1 minute sleep).
        await PushAsync(engine, "skip_on_event:skip");
        await PushAsync(engine, "wait_for_event:start");
        await Poll.UntilAsync(() => engine.Engine.Counters.TasksCompleted == 3, "waitForEvent to run (skipOnEvent is skipped)");

        // After 10 s waitForSleep runs, then exactly one branch (the other is skipped by its parent condition), then sum.
        engine.Advance(TimeSpan.FromSeconds(10));
        var result = (await client.WaitForAsync("conditions-complex", Wait)).GetProperty("result");
        Assert.Equal(0, await client.WaitForExitAsync(Wait));

        await using var hatchet = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.Engine.ClientEnvironment));
        var tasks = (await hatchet.Runs.GetAsync(runId)).Tasks.ToDictionary(t => t.TaskName, t => t.Output);
        int Number(string task) => tasks[task].TryGetProperty("randomNumber", out var n) ? n.GetInt32() : 0;
        bool Skipped(string task) => tasks[task].TryGetProperty("skipped", out var s) && s.GetBoolean();
        Assert.True(Skipped("skipOnEvent"));
        Assert.NotEqual(Skipped("leftBranch"), Skipped("rightBranch"));
        Assert.Equal(Number("waitForSleep") > 50, Skipped("leftBranch"));
        Assert.Equal(
            Number("start") + Number("waitForEvent") + Number("waitForSleep") + Number("leftBranch") + Number("rightBranch"),
            result.GetProperty("sum").GetProperty("sum").GetInt32());
    }

    [Fact]
    public async Task ChildIndexExample_SpawnsOfEveryKindGetTheirOwnChildRuns()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var client = _scripts.Start(engine.Engine, Parity, "child-index");
        var done = await client.WaitForAsync("child-index", Wait);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));

        var parent = done.GetProperty("parent").GetProperty("mixed-spawn");
        Assert.Equal(["ctx-0", "ctx-1", "ctx-2"], parent.GetProperty("ctxResults").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["rnw-0", "rnw-1", "rnw-2"], parent.GetProperty("rnwResults").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, parent.GetProperty("runIds").EnumerateArray().Select(e => e.GetString()).Distinct().Count());
        var orchestrator = done.GetProperty("orchestrator");
        Assert.False(orchestrator.GetProperty("hasDuplicates").GetBoolean());
        Assert.Equal(orchestrator.GetProperty("expected").GetInt32(), orchestrator.GetProperty("total").GetInt32());
        Assert.Equal(orchestrator.GetProperty("expected").GetInt32(), orchestrator.GetProperty("uniqueRunIds").GetInt32());
    }

    [Fact]
    public async Task ChildKeys_SequentialSpawnsShareOneRun_ConcurrentOnesBothResolve_ParentsNeverCollide()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var client = _scripts.Start(engine.Engine, Parity, "child-keys", Unique("k"));
        var done = await client.WaitForAsync("child-keys", Wait);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));

        // In a row: the second spawn gets the first child run, and its output (n = 1), not a run of its own.
        var sequential = Spawns(done.GetProperty("sequential"));
        Assert.Equal(sequential[0], sequential[1]);
        Assert.Equal(1, sequential[1].N);

        // At once: both spawn calls resolve, and each gets its run's output; Hatchet may create one run or two.
        var concurrent = Spawns(done.GetProperty("concurrent"));
        var concurrentRuns = concurrent.Select(s => s.RunId).Distinct().Count();
        Assert.InRange(concurrentRuns, 1, 2);
        Assert.Equal(concurrentRuns == 1 ? [concurrent[0].N, concurrent[0].N] : [1, 2], concurrent.Select(s => s.N));

        // Two parents, one key: a child run each.
        var parents = done.GetProperty("parents").EnumerateArray().Select(Spawns).ToList();
        Assert.All(parents, p => Assert.Equal(p[0], p[1]));
        Assert.NotEqual(parents[0][0].RunId, parents[1][0].RunId);
        Assert.NotEqual(sequential[0].RunId, parents[0][0].RunId);

        Assert.Equal(1 + concurrentRuns + 2, done.GetProperty("childRuns").GetInt32());
    }

    private static List<(string RunId, int N)> Spawns(JsonElement parentOutput) =>
        parentOutput.GetProperty("spawns").EnumerateArray()
            .Select(s => (s.GetProperty("runId").GetString()!, s.GetProperty("output").GetProperty("n").GetInt32()))
            .ToList();

    private async Task PushAsync(ClockedEngine engine, string key)
    {
        var push = _scripts.Start(engine.Engine, Parity, "push", key);
        await push.WaitForAsync("pushed", Wait);
        Assert.Equal(0, await push.WaitForExitAsync(Wait));
    }

    private static async Task<string> FirstRunAsync(HatchetClient hatchet, string workflow)
    {
        await foreach (var run in hatchet.Runs.ListAsync(new ListRunsQuery { WorkflowNames = [workflow] }))
        {
            return run.WorkflowRunId;
        }

        throw new InvalidOperationException($"no run of {workflow}");
    }
}

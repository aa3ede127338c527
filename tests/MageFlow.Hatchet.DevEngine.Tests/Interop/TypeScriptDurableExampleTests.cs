using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Tests.Interop;

/// <summary>
/// The official TypeScript SDK's durable examples (durable, durable_eviction) run unchanged against an engine reporting
/// v0.104.7, so the SDK takes its event-log path (<c>DurableTask</c>): sleeps, waits, memos and child spawns are nodes of
/// the task's log, a replay on another worker finds them, and an evicted task comes back when its wait ends. The durable
/// example ships no worker (its e2e worker serves every example), so tests/interop/ts/examples.js serves its workflows.
/// </summary>
public sealed partial class TypeScriptExampleTests
{
    private const string DurableEventKey = "durable-example:event";

    [Fact]
    public async Task DurableExample_SleepsOrGroupsAndEvent_EndOnTheEngineClockAndThePushedEvent()
    {
        await using var engine = await ClockedEngine.StartAsync();
        await _scripts.StartReadyAsync(engine.Engine, "examples.js", "durable-worker");
        var client = _scripts.Start(engine.Engine, "examples.js", "durable-run", "durableWorkflow");

        // Four tasks wait at once: durable_task's 2 s sleep, the two or-groups (2 s or event; 12 s or event), and the
        // first of wait_for_multi_sleep's three 2 s sleeps.
        await Poll.UntilAsync(() => engine.Engine.Counters.DurableWaits == 4, "the durable tasks to wait");
        Assert.True(engine.Engine.Counters.DurableTaskStreams >= 1);

        // Each 2 s step ends the sleeps then due; the next waits start on the engine clock.
        engine.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(() => engine.Engine.Counters.DurableWaits == 6, "durable_task to wait for its event and the second sleep to start");
        engine.Advance(TimeSpan.FromSeconds(2));
        await Poll.UntilAsync(() => engine.Engine.Counters.DurableWaits == 7, "the third sleep to start");
        engine.Advance(TimeSpan.FromSeconds(2));

        var push = _scripts.Start(engine.Engine, "examples.js", "push-event", DurableEventKey, "{\"test\":\"test\"}");
        await push.WaitForAsync("pushed", Wait);

        var result = (await client.WaitForAsync("durable-run", Wait)).GetProperty("result");
        var durable = result.GetProperty("durable_task");
        Assert.Equal("success", durable.GetProperty("status").GetString());
        Assert.Equal(2000, durable.GetProperty("sleep_duration_ms").GetInt32());
        Assert.Equal("test", durable.GetProperty("event").GetProperty("test").GetString());

        // The first or-group ended by its sleep, the second (12 s) by the event: the match data names the condition.
        Assert.Equal("sleep", result.GetProperty("wait_for_or_group_1").GetProperty("eventId").GetString());
        Assert.Equal("event", result.GetProperty("wait_for_or_group_2").GetProperty("eventId").GetString());
        Assert.True(result.TryGetProperty("wait_for_multi_sleep", out _));
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
    }

    [Fact]
    public async Task DurableExample_SpawnsThroughTheLog_ReturnTheChildrensOutputs()
    {
        await using var engine = await ClockedEngine.StartAsync();
        await _scripts.StartReadyAsync(engine.Engine, "examples.js", "durable-worker");

        var single = await RunDurableAsync(engine, "durableWithSpawn");
        Assert.Equal("hello from child 1", single.GetProperty("child_output").GetProperty("message").GetString());

        var explicitSpawn = await RunDurableAsync(engine, "durableWithExplicitSpawn");
        Assert.Equal("hello from child 1", explicitSpawn.GetProperty("child_output").GetProperty("message").GetString());

        // A bulk spawn is one trigger_runs with three runs: the outputs come back in spawn order.
        var bulk = await RunDurableAsync(engine, "durableWithBulkSpawn", "{\"n\":3}");
        Assert.Equal(
            ["hello from child 0", "hello from child 1", "hello from child 2"],
            bulk.GetProperty("child_outputs").EnumerateArray().Select(o => o.GetProperty("message").GetString()));

        // A DAG child's result is its tasks' outputs by task name, after the parent's 2 s sleep.
        var client = _scripts.Start(engine.Engine, "examples.js", "durable-run", "durableSpawnDag");
        await Poll.UntilAsync(() => engine.Engine.Counters.DurableWaits == 1, "the parent to sleep");
        engine.Advance(TimeSpan.FromSeconds(2));
        var dag = (await client.WaitForAsync("durable-run", Wait)).GetProperty("result");
        Assert.Equal(2000, dag.GetProperty("sleep_duration_ms").GetInt32());
        Assert.Equal("child1", dag.GetProperty("spawn_result").GetProperty("dag-child-1").GetProperty("result").GetString());
        Assert.Equal("child2", dag.GetProperty("spawn_result").GetProperty("dag-child-2").GetProperty("result").GetString());

        // 1 + 1 + 3 spawned runs, the DAG child, and the four durable parents.
        Assert.Equal(10, engine.Engine.Counters.RunsCreated);
    }

    [Fact]
    public async Task DurableExample_MemoizedNow_IsReturned()
    {
        await using var engine = await ClockedEngine.StartAsync();
        await _scripts.StartReadyAsync(engine.Engine, "examples.js", "durable-worker");

        var result = await RunDurableAsync(engine, "memoNowCaching");

        Assert.True(DateTimeOffset.TryParse(result.GetProperty("start_time").GetString(), out _));
    }

    [Fact]
    public async Task DurableExample_WorkerLostDuringSleep_TheReplayOnAnotherWorkerGetsANondeterminismError()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var first = await _scripts.StartReadyAsync(engine.Engine, "examples.js", "durable-worker");
        var client = _scripts.Start(engine.Engine, "examples.js", "durable-run", "durableNonDeterminism");

        // Invocation 1 sleeps 2 s; its worker dies during the sleep.
        await Poll.UntilAsync(() => engine.Engine.Counters.DurableWaits == 1, "the first invocation to sleep");
        await first.KillAsync();
        await _scripts.StartReadyAsync(engine.Engine, "examples.js", "durable-worker");

        // Past the reassign timeout the task is taken back and assigned to the live worker as invocation 2, which sleeps
        // 4 s at the node where the log recorded a 2 s sleep: the engine answers with a nondeterminism error.
        engine.Advance(TimeSpan.FromSeconds(31));
        var result = (await client.WaitForAsync("durable-run", Wait)).GetProperty("result");

        Assert.Equal(2, result.GetProperty("attempt_number").GetInt32());
        Assert.True(result.GetProperty("non_determinism_detected").GetBoolean());
        Assert.Equal(1, result.GetProperty("node_id").GetInt32());
        Assert.Equal(1, engine.Engine.Counters.DurableWaits);
    }

    [Fact]
    public async Task DurableEvictionExample_EvictedSleep_IsRestoredWhenTheSleepEndsAndCompletes()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/durable_eviction/worker.js");
        await WaitForWorkflowsAsync(engine, "evictable-sleep");
        var client = _scripts.Start(engine.Engine, "examples.js", "eviction-run", "evictableSleep");

        // The example's eviction policy lets a waiting invocation go after 5 s (the worker's clock): its slot is freed.
        await Poll.UntilAsync(() => engine.Engine.Counters.DurableEvictions == 1, "the worker to evict the sleeping invocation");
        Assert.Equal(1, engine.Engine.Counters.TasksAssigned);

        // When the 15 s sleep ends on the engine clock the task is queued again; invocation 2 replays the ended sleep.
        engine.Advance(TimeSpan.FromSeconds(15));
        var result = (await client.WaitForAsync("eviction-run", Wait)).GetProperty("result");

        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.Equal(2, engine.Engine.Counters.TasksAssigned);
        Assert.Equal(1, engine.Engine.Counters.DurableWaits);
    }

    [Fact]
    public async Task DurableEventExample_Lookback_FindsTheScopedEventPushedBeforeTheWait()
    {
        await using var engine = await ClockedEngine.StartAsync();
        await _scripts.StartReadyAsync(engine.Engine, "examples.js", "durable-event-worker");

        // The example waits for 'user:update' in scope 'user-1234' with a one-minute lookback (since its memoized now):
        // the event pushed just before the run is found, so the wait ends without another push. That now is the
        // worker's wall clock, the event's time the engine's manual clock (which starts up to 30 s back, and stands
        // still while a slow machine starts the scripts): the clock is brought to wall time before the push.
        var behind = DateTimeOffset.UtcNow - engine.Clock.GetUtcNow();
        if (behind > TimeSpan.Zero)
        {
            engine.Advance(behind);
        }

        var push = _scripts.Start(engine.Engine, "examples.js", "push-event", "user:update", "{\"userId\":\"1234\"}", "user-1234");
        await push.WaitForAsync("pushed", Wait);
        var client = _scripts.Start(engine.Engine, "examples.js", "durable-event-run", "durableEventWithLookback");

        var done = await client.WaitForAsync("durable-event-run", Wait);
        Assert.Equal("done", done.GetProperty("result").GetProperty("Value").GetString());
        Assert.Equal(1, engine.Engine.Counters.DurableWaits);
    }

    private async Task<JsonElement> RunDurableAsync(ClockedEngine engine, string export, string input = "{}")
    {
        var client = _scripts.Start(engine.Engine, "examples.js", "durable-run", export, input);
        var done = await client.WaitForAsync("durable-run", Wait);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        return done.GetProperty("result");
    }
}

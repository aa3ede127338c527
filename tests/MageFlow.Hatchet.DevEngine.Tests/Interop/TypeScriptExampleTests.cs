using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.DevEngine.Tests.Interop;

/// <summary>
/// Conformance of the dev engine with the official TypeScript SDK's own examples (v1/examples in the installed package),
/// run unchanged: their workers as they ship, and tests/interop/ts/examples.js doing what their run scripts do with their
/// own workflow modules. Examples use fixed workflow names, and their crons would fire on a real clock, so each test has
/// an engine of its own on a manual clock.
/// </summary>
public sealed partial class TypeScriptExampleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Examples = "node_modules/@hatchet-dev/typescript-sdk/v1/examples";
    private readonly NodeScripts _scripts = new(output.WriteLine);

    [Fact]
    public async Task StreamingExample_SubscribeToStream_GetsEveryChunkInOrderAndEndsWithTheRun()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/streaming/worker.js");
        var client = _scripts.Start(engine.Engine, "examples.js", "streaming");

        var streamed = await client.WaitForAsync("streamed", TimeSpan.FromSeconds(90));
        var chunks = streamed.GetProperty("chunks").EnumerateArray().Select(c => c.GetString()!).ToList();

        // The example streams its text in ten-character chunks, each putStream call unawaited: the subscriber gets them all,
        // in order, and the iteration ends because the run ended.
        var text = ExampleText();
        var expected = Enumerable.Range(0, (text.Length + 9) / 10).Select(i => text.Substring(i * 10, Math.Min(10, text.Length - (i * 10)))).ToList();
        Assert.Equal(expected, chunks);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        Assert.Equal(1, engine.Engine.Counters.TasksCompleted);
    }

    [Fact]
    public async Task CronExamples_CreateListDeleteThenTheDeclaredCronFiresOnTheEngineClock()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/simple/worker.js");
        _scripts.Start(engine.Engine, $"{Examples}/on_cron/worker.js");
        await WaitForWorkflowsAsync(engine, "simple", "on-cron-workflow");

        var client = _scripts.Start(engine.Engine, "examples.js", "crons");
        var crons = await client.WaitForAsync("crons", Wait);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));

        var created = crons.GetProperty("created");
        Assert.Equal("simple-daily", created.GetProperty("name").GetString());
        Assert.Equal("0 0 * * *", created.GetProperty("cron").GetString());
        Assert.Equal("API", created.GetProperty("method").GetString());
        Assert.Equal("simple", created.GetProperty("workflowName").GetString());
        Assert.Equal("hello", created.GetProperty("input").GetProperty("Message").GetString());
        Assert.Equal([created.GetProperty("id").GetString()], crons.GetProperty("listed").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(0, crons.GetProperty("afterDelete").GetArrayLength());
        var declared = Assert.Single(crons.GetProperty("declared").EnumerateArray());
        Assert.Equal("*/15 * * * *", declared.GetProperty("cron").GetString());
        Assert.Equal("DEFAULT", declared.GetProperty("method").GetString());

        // Up to the next quarter hour nothing runs; then the declared cron starts the example's task on the TS worker.
        var now = engine.Clock.GetUtcNow();
        var due = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute / 15 * 15, 0, TimeSpan.Zero).AddMinutes(15);
        engine.Advance(due - now - TimeSpan.FromSeconds(1));
        Assert.Equal(0, engine.Engine.Counters.RunsCreated);
        engine.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, engine.Engine.Counters.RunsCreated);
        await Poll.UntilAsync(() => engine.Engine.Counters.TasksCompleted + engine.Engine.Counters.TasksFailed == 1, "the cron run to end");

        // The example's task reads input.Message, which a cron declared without input does not have: as on Hatchet, it fails
        // on the worker, which shows the TS task ran with the cron's (empty) input.
        Assert.Equal(1, engine.Engine.Counters.TasksFailed);
    }

    [Fact]
    public async Task EventsExample_PushAndBulkPush_TriggerTheListeningWorkflowsWithTheirMetadata()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("users");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.EventTriggers.Add("user:create");
        await engine.PutAsync(wf);
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"]);

        var script = _scripts.Start(engine.Engine, $"{Examples}/events/event.js");
        Assert.Equal(0, await script.WaitForExitAsync(Wait));

        // One push with metadata and a bulk push of three, all to user:create (the example's first push has no listener).
        var seen = new List<(string Payload, string? Source, string? User)>();
        for (var i = 0; i < 4; i++)
        {
            var action = await worker.NextAsync();
            using var payload = JsonDocument.Parse(action.ActionPayload);
            using var metadata = JsonDocument.Parse(action.AdditionalMetadata);
            seen.Add((
                payload.RootElement.GetProperty("input").GetProperty("test").GetString()!,
                metadata.RootElement.TryGetProperty("source", out var s) ? s.GetString() : null,
                metadata.RootElement.TryGetProperty("user_id", out var u) ? u.GetString() : null));
            Assert.Equal("user:create", metadata.RootElement.GetProperty("hatchet__event_key").GetString());
        }

        Assert.Equal(
            [("test", "api", null), ("test1", "test", "user1"), ("test2", "test", "user2"), ("test3", "test", "user3")],
            seen.OrderBy(s => s.Payload, StringComparer.Ordinal));
        Assert.Equal(4, engine.Engine.Counters.RunsCreated);
    }

    [Fact]
    public async Task FilterExample_DeclaredFilter_StartsTheFilteredWorkflowOnlyForEventsOfItsScope()
    {
        await using var engine = await ClockedEngine.StartAsync();
        await _scripts.StartReadyAsync(engine.Engine, "examples.js", "filters-worker");

        // Without a scope only 'upper' starts: 'lower' has a filter, so it waits for events of a scope with filters.
        var unscoped = _scripts.Start(engine.Engine, "examples.js", "push", "-");
        await unscoped.WaitForAsync("pushed", Wait);
        Assert.Equal(0, await unscoped.WaitForExitAsync(Wait));
        Assert.Equal(1, engine.Engine.Counters.RunsCreated);

        // With the filter's scope both start; the scope comes back on the event.
        var scoped = _scripts.Start(engine.Engine, "examples.js", "push", "example-scope");
        var pushed = await scoped.WaitForAsync("pushed", Wait);
        Assert.Equal("example-scope", pushed.GetProperty("scope").GetString());
        Assert.Equal(0, await scoped.WaitForExitAsync(Wait));
        Assert.Equal(3, engine.Engine.Counters.RunsCreated);
        await Poll.UntilAsync(() => engine.Engine.Counters.TasksCompleted == 3, "the three runs to complete on the TS worker");
    }

    [Fact]
    public async Task DurableSleepExample_SleepsOnTheEngineClockThenCompletes()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/durable_sleep/worker.js");
        await WaitForWorkflowsAsync(engine, "durable-sleep");
        var client = _scripts.Start(engine.Engine, "examples.js", "durable-sleep");

        // The example sleeps 5 s through the durable event log (DurableTask, as the engine reports v0.104.7): nothing
        // finishes until the engine's clock has moved on.
        await Poll.UntilAsync(() => engine.Engine.Counters.DurableWaits == 1, "the durable task to register its sleep");
        Assert.Equal(1, engine.Engine.Counters.DurableTaskStreams);
        engine.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, engine.Engine.Counters.TasksCompleted);
        engine.Advance(TimeSpan.FromSeconds(1));

        // durableSleep is a workflow, so its result is keyed by task.
        var done = await client.WaitForAsync("durable-sleep", Wait);
        Assert.Equal("done", done.GetProperty("result").GetProperty("durable-sleep").GetProperty("Value").GetString());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        Assert.Equal(1, engine.Engine.Counters.TasksCompleted);
    }

    [Fact]
    public async Task DurableEventExample_WaitsForTheEventPushedByTheExamplesEventScript()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/durable_event/worker.js");
        await WaitForWorkflowsAsync(engine, "durable-event");
        var client = _scripts.Start(engine.Engine, "examples.js", "durable-event");
        await Poll.UntilAsync(() => engine.Engine.Counters.DurableWaits == 1, "the durable task to wait for its event");
        Assert.Equal(0, engine.Engine.Counters.TasksCompleted);
        Assert.Equal(1, engine.Engine.Counters.DurableTaskStreams);

        var push = _scripts.Start(engine.Engine, $"{Examples}/durable_event/event.js");
        Assert.Equal(0, await push.WaitForExitAsync(Wait));

        var done = await client.WaitForAsync("durable-event", Wait);
        Assert.Equal("done", done.GetProperty("result").GetProperty("Value").GetString());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
    }

    [Fact]
    public async Task DagMatchConditionExample_SecondTaskWaitsForItsSleepOrEventGroup()
    {
        await using var engine = await ClockedEngine.StartAsync();
        _scripts.Start(engine.Engine, $"{Examples}/dag_match_condition/worker.js");
        await WaitForWorkflowsAsync(engine, "simple");
        var client = _scripts.Start(engine.Engine, "examples.js", "conditions");

        // 'second-task' waits for user:event OR a 10 s sleep, counted from when 'first-task' completed.
        await Poll.UntilAsync(() => engine.Engine.Counters.TasksCompleted == 1, "the first task to complete");
        engine.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(200);
        Assert.Equal(1, engine.Engine.Counters.TasksCompleted);
        engine.Advance(TimeSpan.FromSeconds(1));

        var done = await client.WaitForAsync("conditions", Wait);
        Assert.True(done.GetProperty("result").GetProperty("first-task").GetProperty("Completed").GetBoolean());
        Assert.True(done.GetProperty("result").GetProperty("second-task").GetProperty("Completed").GetBoolean());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _scripts.StopAllAsync();

    /// <summary>The text the streaming example streams, read from the example's own module.</summary>
    private static string ExampleText()
    {
        var source = File.ReadAllText(Path.Combine(Repo.InteropDir, Examples, "streaming", "workflow.js"));
        return AnnaKarenina().Match(source).Groups[1].Value;
    }

    /// <summary>Waits until the example workers have registered their workflows (they print nothing when ready).</summary>
    private static async Task WaitForWorkflowsAsync(ClockedEngine engine, params string[] names)
    {
        using var http = new HttpClient { BaseAddress = engine.Engine.ServerUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", engine.Engine.Token);
        foreach (var name in names)
        {
            await Poll.UntilAsync(
                async () =>
                {
                    var list = await http.GetFromJsonAsync<JsonElement>($"/api/v1/tenants/{engine.Engine.TenantId}/workflows?name={name}");
                    return list.GetProperty("rows").EnumerateArray().Any(r => r.GetProperty("name").GetString() == name);
                },
                $"workflow '{name}' to be registered");
        }
    }

    [GeneratedRegex("const annaKarenina = `([^`]*)`")]
    private static partial Regex AnnaKarenina();
}

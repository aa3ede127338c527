using System.Text.Json;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.DevEngine.Tests.Interop;

/// <summary>
/// Conformance of the dev engine with the official Hatchet TypeScript SDK: each test starts a TS worker
/// (tests/interop/ts/worker.js) and drives it with a TS client (tests/interop/ts/client.js), then asserts
/// on what the client got back, what the worker printed and what the engine counted.
/// Every test registers its own workflows under a unique prefix, so the tests can share the engine.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class TypeScriptConformanceTests(EngineFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly NodeScripts _scripts = new(output.WriteLine);

    [Fact]
    public async Task Run_SimpleTask_ReturnsOutput()
    {
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);
        var before = Counts.Of(fixture.Engine);

        var client = StartClient("simple", prefix);
        var result = await client.WaitForAsync("result", Wait);
        var ran = await worker.WaitForAsync("simple", Wait);

        var output = result.GetProperty("output");
        Assert.Equal("hello conformance", output.GetProperty("greeting").GetString());
        Assert.Equal(11, output.GetProperty("length").GetInt32());
        Assert.Equal("conformance", ran.GetProperty("input").GetProperty("name").GetString());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        var delta = Counts.Of(fixture.Engine) - before;
        Assert.Equal(new Counts(RunsCreated: 1, TasksAssigned: 1, TasksCompleted: 1, TasksFailed: 0), delta);
    }

    [Fact]
    public async Task Run_TaskThatAlwaysFails_RetriesNTimesThenFailsWithErrorVisibleToClient()
    {
        const int retries = 2; // worker.js declares the flaky task with retries: 2
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);
        var before = Counts.Of(fixture.Engine);

        var client = StartClient("retry", prefix);
        var error = await WaitForRunErrorAsync(client);

        // The run failed with the last attempt's error, as thrown by the task.
        Assert.Contains($"flaky failed on retry {retries}", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The worker saw N + 1 attempts of the same run, numbered 0..N.
        string? runId = null;
        for (var i = 0; i <= retries; i++)
        {
            var attempt = await worker.WaitForAsync("attempt", Wait);
            Assert.Equal("flaky", attempt.GetProperty("task").GetString());
            Assert.Equal(i, attempt.GetProperty("retry").GetInt32());
            runId ??= attempt.GetProperty("runId").GetString();
            Assert.Equal(runId, attempt.GetProperty("runId").GetString());
        }

        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        var delta = Counts.Of(fixture.Engine) - before;
        Assert.Equal(new Counts(RunsCreated: 1, TasksAssigned: retries + 1, TasksCompleted: 0, TasksFailed: 1), delta);
        var details = await GetRunDetailsAsync(runId!);
        Assert.Equal(RunStatus.Failed, details.Status);
    }

    [Fact]
    public async Task Run_ThreeTaskDag_PassesParentOutputsToChildren()
    {
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);
        var before = Counts.Of(fixture.Engine);

        var client = StartClient("dag", prefix);
        var result = await client.WaitForAsync("result", Wait);

        // The client gets every task's output, keyed by task name.
        var output = result.GetProperty("output");
        Assert.Equal(6, output.GetProperty("first").GetProperty("value").GetInt32());
        Assert.Equal(12, output.GetProperty("second").GetProperty("value").GetInt32());
        Assert.Equal(18, output.GetProperty("third").GetProperty("sum").GetInt32());
        Assert.Equal(5, output.GetProperty("third").GetProperty("n").GetInt32());

        // Each task saw its parents' outputs.
        var seen = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            var msg = await worker.WaitForAsync("dag", Wait);
            seen[msg.GetProperty("task").GetString()!] = msg;
        }

        Assert.Equal(5, seen["first"].GetProperty("input").GetProperty("n").GetInt32());
        Assert.Equal(6, seen["second"].GetProperty("parents").GetProperty("first").GetProperty("value").GetInt32());
        Assert.Equal(6, seen["third"].GetProperty("parents").GetProperty("first").GetProperty("value").GetInt32());
        Assert.Equal(12, seen["third"].GetProperty("parents").GetProperty("second").GetProperty("value").GetInt32());
        Assert.Single(seen.Values.Select(m => m.GetProperty("runId").GetString()).Distinct());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        var delta = Counts.Of(fixture.Engine) - before;
        Assert.Equal(new Counts(RunsCreated: 1, TasksAssigned: 3, TasksCompleted: 3, TasksFailed: 0), delta);
    }

    [Fact]
    public async Task Run_TaskSpawningChild_ChildRunsAndItsResultReturnsToParent()
    {
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);
        var before = Counts.Of(fixture.Engine);

        var client = StartClient("child", prefix);
        var result = await client.WaitForAsync("result", Wait);
        var parentRunId = result.GetProperty("runId").GetString();

        Assert.Equal(42, result.GetProperty("output").GetProperty("fromChild").GetInt32());
        var parent = await worker.WaitForAsync("parent", Wait);
        Assert.Equal(parentRunId, parent.GetProperty("runId").GetString());
        var child = await worker.WaitForAsync("child", Wait);
        Assert.Equal(21, child.GetProperty("input").GetProperty("n").GetInt32());
        Assert.NotEqual(parentRunId, child.GetProperty("runId").GetString());
        Assert.Equal(parentRunId, child.GetProperty("parentRunId").GetString());
        Assert.Equal(parentRunId, child.GetProperty("metadata").GetProperty("hatchet__parent_workflow_run_id").GetString());
        var got = await worker.WaitForAsync("parent_got", Wait);
        Assert.Equal(42, got.GetProperty("result").GetProperty("doubled").GetInt32());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        var delta = Counts.Of(fixture.Engine) - before;
        Assert.Equal(new Counts(RunsCreated: 2, TasksAssigned: 2, TasksCompleted: 2, TasksFailed: 0), delta);
    }

    [Fact]
    public async Task Run_WorkflowWithOnFailure_RunsOnFailureTaskWithTheFailedTasksError()
    {
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);
        var before = Counts.Of(fixture.Engine);

        var client = StartClient("on-failure", prefix);
        var error = await WaitForRunErrorAsync(client);
        var expected = $"explode failed for {prefix}";

        Assert.Contains(expected, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        var attempt = await worker.WaitForAsync("attempt", Wait);
        Assert.Equal("explode", attempt.GetProperty("task").GetString());
        var onFailure = await worker.WaitForAsync("on_failure", Wait);
        Assert.Equal(attempt.GetProperty("runId").GetString(), onFailure.GetProperty("runId").GetString());
        var errors = onFailure.GetProperty("errors").EnumerateObject().ToArray();
        var only = Assert.Single(errors);
        Assert.Equal("explode", only.Name);
        Assert.Contains(expected, only.Value.GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));

        // explode failed once (no retries); the on-failure task completed; the run is failed.
        var delta = Counts.Of(fixture.Engine) - before;
        Assert.Equal(new Counts(RunsCreated: 1, TasksAssigned: 2, TasksCompleted: 1, TasksFailed: 1), delta);
        var details = await GetRunDetailsAsync(attempt.GetProperty("runId").GetString()!);
        Assert.Equal(RunStatus.Failed, details.Status);
    }

    [Fact]
    public async Task Cancel_RunningTask_TaskObservesAbortAndRunEndsCancelled()
    {
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);
        var before = Counts.Of(fixture.Engine);

        var trigger = StartClient("cancel-trigger", prefix);
        var runId = (await trigger.WaitForAsync("triggered", Wait)).GetProperty("runId").GetString()!;
        var started = await worker.WaitForAsync("started", Wait);
        Assert.Equal(runId, started.GetProperty("runId").GetString());
        Assert.Equal(0, await trigger.WaitForExitAsync(Wait));

        // The TS SDK cancels through the REST API (POST /api/v1/stable/tenants/{tenant}/tasks/cancel).
        var canceller = StartClient("cancel", prefix, runId);
        await canceller.WaitForAsync("cancel_requested", Wait);
        var cancelled = await worker.WaitForAsync("cancelled", Wait);
        var error = await WaitForRunErrorAsync(canceller);

        Assert.Equal("cancellable", cancelled.GetProperty("task").GetString());
        Assert.Equal(runId, cancelled.GetProperty("runId").GetString());
        Assert.Contains("cancel", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, await canceller.WaitForExitAsync(Wait));
        var details = await GetRunDetailsAsync(runId);
        Assert.True(details.Done);
        Assert.Equal(RunStatus.Cancelled, details.Status);
        var delta = Counts.Of(fixture.Engine) - before;
        Assert.Equal(new Counts(RunsCreated: 1, TasksAssigned: 1, TasksCompleted: 0, TasksFailed: 0), delta);
    }

    [Fact]
    public async Task Run_TaskExceedingExecutionTimeout_FailsWithTimeoutError()
    {
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);
        var before = Counts.Of(fixture.Engine);

        var client = StartClient("timeout", prefix);
        var error = await WaitForRunErrorAsync(client);
        var started = await worker.WaitForAsync("started", Wait);
        var aborted = await worker.WaitForAsync("cancelled", Wait);

        Assert.Contains("timeout", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("sleeper", started.GetProperty("task").GetString());
        Assert.Equal("sleeper", aborted.GetProperty("task").GetString());
        Assert.Equal(started.GetProperty("runId").GetString(), aborted.GetProperty("runId").GetString());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        var details = await GetRunDetailsAsync(started.GetProperty("runId").GetString()!);
        Assert.Equal(RunStatus.Failed, details.Status);
        var delta = Counts.Of(fixture.Engine) - before;
        Assert.Equal(new Counts(RunsCreated: 1, TasksAssigned: 1, TasksCompleted: 0, TasksFailed: 1), delta);
    }

    [Fact]
    public async Task PushEvent_KeyRegisteredByWorkflow_TriggersTask()
    {
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);
        var before = Counts.Of(fixture.Engine);

        var client = StartClient("event", prefix);
        var pushed = await client.WaitForAsync("pushed", Wait);
        var handled = await worker.WaitForAsync("event_task", Wait);

        Assert.Equal($"hello from {prefix}", handled.GetProperty("input").GetProperty("msg").GetString());
        Assert.Equal(pushed.GetProperty("eventId").GetString(), handled.GetProperty("eventId").GetString());
        Assert.Equal($"{prefix}:ping", handled.GetProperty("eventKey").GetString());
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        var details = await GetRunDetailsAsync(handled.GetProperty("runId").GetString()!);
        Assert.Equal($"hello from {prefix}", JsonDocument.Parse(details.Input.ToStringUtf8()).RootElement.GetProperty("msg").GetString());
        Assert.Equal(1, Counts.Of(fixture.Engine).RunsCreated - before.RunsCreated);
    }

    [Fact]
    public async Task BulkRun_ThousandRuns_AllCompleteExactlyOnce()
    {
        const int count = 1000;
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix, slots: 100);
        var before = Counts.Of(fixture.Engine);

        var client = StartClient("bulk", prefix, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var result = await client.WaitForAsync("result", TimeSpan.FromSeconds(120));

        // The client got one result per run, each from its own run and its own input.
        Assert.Equal(count, result.GetProperty("count").GetInt32());
        Assert.Equal(count, result.GetProperty("distinctRunIds").GetInt32());
        Assert.Equal(count, result.GetProperty("distinctI").GetInt32());
        Assert.Equal(0, result.GetProperty("mismatched").GetInt32());

        // The SDK triggered them with BulkTriggerWorkflow, 500 per call, and no single triggers.
        var calls = result.GetProperty("triggerCalls");
        Assert.Equal(count / 500, calls.GetProperty("bulkTrigger").GetInt32());
        Assert.Equal(0, calls.GetProperty("trigger").GetInt32());
        var runIds = result.GetProperty("runIds").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);

        // The worker executed exactly those runs, each exactly once.
        var report = await client.WaitForAsync("report", Wait);
        Assert.Equal(count, report.GetProperty("distinct").GetInt32());
        Assert.Equal(count, report.GetProperty("executions").GetInt32());
        Assert.Equal(0, report.GetProperty("duplicates").GetArrayLength());
        var tally = await worker.WaitForAsync("bulk_report", Wait);
        var counts = tally.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        Assert.True(runIds.SetEquals(counts.Keys), "the worker executed other runs than the client triggered");
        Assert.All(counts.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, await client.WaitForExitAsync(Wait));

        // The engine created, assigned and completed each run once (plus the report run).
        var delta = Counts.Of(fixture.Engine) - before;
        Assert.Equal(new Counts(RunsCreated: count + 1, TasksAssigned: count + 1, TasksCompleted: count + 1, TasksFailed: 0), delta);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Stops every script the test started and logs what they printed (shown when a test fails).</summary>
    public Task DisposeAsync() => _scripts.StopAllAsync();

    private static string NewPrefix() => "ts-" + Guid.NewGuid().ToString("N")[..12];

    private Task<NodeScript> StartWorkerAsync(string prefix, int slots = 20) =>
        _scripts.StartReadyAsync(fixture.Engine, "worker.js", prefix, slots.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private NodeScript StartClient(string scenario, string prefix, params string[] args) =>
        _scripts.Start(fixture.Engine, "client.js", [scenario, prefix, .. args]);

    /// <summary>Waits for the client's report of a failed run: the SDK rejects <c>result()</c> with the failed tasks' errors.</summary>
    private static async Task<JsonElement> WaitForRunErrorAsync(NodeScript client)
    {
        var error = await client.WaitForAsync("error", Wait);
        Assert.False(error.TryGetProperty("crashed", out _), "the client script failed before the run did: " + error);
        Assert.True(error.GetProperty("isArray").GetBoolean(), "expected the SDK to reject with the run's task errors: " + error);
        return error;
    }

    private async Task<GetRunDetailsResponse> GetRunDetailsAsync(string runId) =>
        await fixture.Admin.GetRunDetailsAsync(new GetRunDetailsRequest { ExternalId = runId }, fixture.Auth);

    private readonly record struct Counts(long RunsCreated, long TasksAssigned, long TasksCompleted, long TasksFailed)
    {
        public static Counts Of(HatchetDevEngine engine) =>
            new(engine.Counters.RunsCreated, engine.Counters.TasksAssigned, engine.Counters.TasksCompleted, engine.Counters.TasksFailed);

        public static Counts operator -(Counts a, Counts b) =>
            new(a.RunsCreated - b.RunsCreated, a.TasksAssigned - b.TasksAssigned, a.TasksCompleted - b.TasksCompleted, a.TasksFailed - b.TasksFailed);
    }
}

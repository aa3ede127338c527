using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.DevEngine.Tests.Interop;

/// <summary>
/// Conformance of the dev engine's REST API with the official TypeScript SDK's REST-backed feature clients
/// (tests/interop/ts/rest.js): schedules, runs list/get/status, logs, cancel and replay by filter, rate limits,
/// workers and events, each against a TS worker (tests/interop/ts/worker.js) on the shared engine.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed partial class TypeScriptRestTests(EngineFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly NodeScripts _scripts = new(output.WriteLine);

    [Fact]
    public async Task Schedule_CreateListGetDelete_RoundTripsAndTheDeletedScheduleIsGone()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("schedule", prefix, "scheduled");

        var created = result.GetProperty("created");
        var id = created.GetProperty("id").GetString();
        Assert.Equal($"{prefix}-simple", created.GetProperty("workflowName").GetString());
        Assert.Equal(result.GetProperty("triggerAt").GetDateTimeOffset(), created.GetProperty("triggerAt").GetDateTimeOffset());
        Assert.Equal("later", created.GetProperty("input").GetProperty("name").GetString());
        Assert.Equal(prefix, created.GetProperty("additionalMetadata").GetProperty("suite").GetString());
        Assert.Equal("API", created.GetProperty("method").GetString());
        Assert.Equal([id], result.GetProperty("listed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(id, result.GetProperty("got").GetString());
        Assert.Equal(0, result.GetProperty("afterDelete").GetArrayLength());
    }

    [Fact]
    public async Task Runs_ListGetStatusAndLogs_ReportTheCompletedRun()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("runs", prefix, "runs");

        var runId = result.GetProperty("runId").GetString();
        var row = Assert.Single(result.GetProperty("byMetadata").EnumerateArray());
        Assert.Equal(runId, row.GetProperty("id").GetString());
        Assert.Equal("COMPLETED", row.GetProperty("status").GetString());
        Assert.Equal("TASK", row.GetProperty("type").GetString());
        Assert.Equal(runId, row.GetProperty("workflowRunExternalId").GetString());
        Assert.Equal([runId], result.GetProperty("byWorkflow").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, result.GetProperty("failedOnly").GetInt32());
        var details = result.GetProperty("details");
        Assert.Equal("COMPLETED", details.GetProperty("status").GetString());
        Assert.Equal(prefix, details.GetProperty("metadata").GetProperty("suite").GetString());
        Assert.Equal("hello listed", details.GetProperty("taskOutput").GetProperty("greeting").GetString());
        Assert.Equal("COMPLETED", result.GetProperty("status").GetString());
        Assert.Contains("simple ran for listed", result.GetProperty("logs").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task CancelByFilter_CancelsEveryMatchingRun()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("cancel-filter", prefix, "cancelled");

        var runIds = result.GetProperty("runIds").EnumerateArray().Select(e => e.GetString()).Order().ToList();
        Assert.Equal(runIds, result.GetProperty("ids").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.All(result.GetProperty("statuses").EnumerateArray(), s => Assert.Equal("CANCELLED", s.GetString()));
        Assert.All(result.GetProperty("errors").EnumerateArray(), e => Assert.Equal(JsonValueKind.String, e.ValueKind));
    }

    [Fact]
    public async Task ReplayByFilter_RunsTheCancelledRunAgain()
    {
        var prefix = NewPrefix();
        var worker = await StartWorkerAsync(prefix);

        var result = await RunAsync("replay-filter", prefix, "replayed");

        // A one-task run shares its id with its task, which is what the replay reports.
        var runId = result.GetProperty("runId").GetString();
        Assert.Equal([runId], result.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEqual("CANCELLED", result.GetProperty("statusAfterReplay").GetString());
        Assert.Equal(runId, (await worker.WaitForAsync("started", Wait)).GetProperty("runId").GetString());
    }

    [Fact]
    public async Task RateLimits_UpsertThenList_ShowsTheLimit()
    {
        var prefix = NewPrefix();

        var result = await RunAsync("ratelimits", prefix, "ratelimits");

        Assert.Equal($"{prefix}-limit", result.GetProperty("upserted").GetString());
        var row = Assert.Single(result.GetProperty("rows").EnumerateArray());
        Assert.Equal($"{prefix}-limit", row.GetProperty("key").GetString());
        Assert.Equal(7, row.GetProperty("limitValue").GetInt32());
        Assert.Equal("1 MINUTE", row.GetProperty("window").GetString());
    }

    [Fact]
    public async Task Workers_ListGetPauseUnpause_ReportTheWorker()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("workers", prefix, "workers", $"{prefix}-worker");

        Assert.Equal("ACTIVE", result.GetProperty("status").GetString());
        Assert.Contains(result.GetProperty("actions").EnumerateArray(), a => a.GetString()!.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(result.GetProperty("paused").GetBoolean());
        Assert.False(result.GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task Events_PushThenList_ShowsTheEventWithItsRun()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("events", prefix, "events");

        var row = Assert.Single(result.GetProperty("rows").EnumerateArray());
        Assert.Equal(result.GetProperty("eventId").GetString(), row.GetProperty("id").GetString());
        Assert.Equal($"listed {prefix}", row.GetProperty("payload").GetProperty("msg").GetString());
        Assert.Equal(prefix, row.GetProperty("additionalMetadata").GetProperty("suite").GetString());
        Assert.Equal(1, row.GetProperty("summary").GetProperty("succeeded").GetInt32());
        Assert.Single(row.GetProperty("triggeredRuns").EnumerateArray());
    }

    [Fact]
    public async Task UnknownApiPath_Answers404InHatchetsErrorShape()
    {
        using var http = new HttpClient { BaseAddress = fixture.Engine.ServerUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Engine.Token);

        using var response = await http.GetAsync(new Uri("/api/v1/stable/tenants/x/no-such-thing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("does not serve", body.RootElement.GetProperty("errors")[0].GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Stops every script the test started and logs what they printed (shown when a test fails).</summary>
    public Task DisposeAsync() => _scripts.StopAllAsync();

    private static string NewPrefix() => "ts-" + Guid.NewGuid().ToString("N")[..12];

    private Task<NodeScript> StartWorkerAsync(string prefix) => _scripts.StartReadyAsync(fixture.Engine, "worker.js", prefix, "20");

    /// <summary>Runs a rest.js scenario and returns its report, failing on a crash.</summary>
    private async Task<JsonElement> RunAsync(string scenario, string prefix, string expected, params string[] args)
    {
        var client = _scripts.Start(fixture.Engine, "rest.js", [scenario, prefix, .. args]);
        // A crash prints an error and exits, which fails the wait with the script's output.
        var report = await client.WaitForAsync(expected, Wait);
        Assert.Equal(0, await client.WaitForExitAsync(Wait));
        return report;
    }
}

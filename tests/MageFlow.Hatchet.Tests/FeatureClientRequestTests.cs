using System.Net;
using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Logs;
using MageFlow.Hatchet.Resilience;
using MageFlow.Hatchet.Runs;
using MageFlow.Hatchet.Schedules;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// The REST feature clients' requests, against WireMock: method, path, query, body and bearer token as the official SDKs
/// send them; typed errors for 4xx and 5xx; transient failures retried only for idempotent calls.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class FeatureClientRequestTests(DevEngineFixture fixture) : IDisposable
{
    private const int Retries = 2;
    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task RunsList_SendsFiltersAsRepeatedQueryValuesAndPagesUntilAShortPage()
    {
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/workflow-runs"), """{"rows":[{"metadata":{"id":"r1"},"status":"COMPLETED","type":"DAG"},{"metadata":{"id":"r2"},"status":"FAILED"}]}""", ("offset", "0"));
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/workflow-runs"), """{"rows":[{"metadata":{"id":"r3"},"status":"QUEUED"}]}""", ("offset", "2"));
        await using var h = Harness();
        var since = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var rows = await h.Client.Runs.ListAsync(new ListRunsQuery
        {
            Since = since,
            Statuses = [RunStatus.Completed, RunStatus.Failed],
            AdditionalMetadata = new Dictionary<string, string> { ["team"] = "blue" },
            MatchAllMetadata = true,
            ParentTaskExternalId = "p1",
            PageSize = 2,
        }).ToListAsync();

        Assert.Equal(["r1", "r2", "r3"], rows.Select(r => r.Id));
        Assert.Equal([RunStatus.Completed, RunStatus.Failed, RunStatus.Queued], rows.Select(r => r.Status));
        Assert.True(rows[0].IsDag);
        Assert.Equal(2, _server.LogEntries.Count);
        var first = _server.LogEntries[0].RequestMessage;
        AssertAuthorized(first);
        var query = first.Query!;
        Assert.Equal(["2026-01-02T03:04:05.000Z"], query["since"]);
        Assert.Equal(["COMPLETED", "FAILED"], query["statuses"]);
        Assert.Equal(["team:blue"], query["additional_metadata"]);
        Assert.Equal(["AND"], query["additional_metadata_operator"]);
        Assert.Equal(["p1"], query["parent_task_external_id"]);
        Assert.Equal(["false"], query["only_tasks"]);
        Assert.Equal(["2"], query["limit"]);
    }

    [Fact]
    public async Task RunsGetAndStatus_ReadDetailsWithPerTaskOutputsAndTheStatusString()
    {
        Json("GET", "/api/v1/stable/workflow-runs/run-1", """
            {"run":{"metadata":{"id":"run-1","createdAt":"2026-01-01T00:00:00Z"},"status":"FAILED","displayName":"wf","workflowId":"w1",
             "input":{"n":1},"additionalMetadata":{"k":"v"},"errorMessage":"boom"},
             "tasks":[{"taskExternalId":"t1","displayName":"first","status":"COMPLETED","output":{"ok":true},"retryCount":0},
                      {"taskExternalId":"t2","displayName":"second","status":"FAILED","errorMessage":"boom","retryCount":2}]}
            """);
        Json("GET", "/api/v1/stable/workflow-runs/run-1/status", "\"FAILED\"");
        await using var h = Harness();

        var details = await h.Client.Runs.GetAsync("run-1");
        var status = await h.Client.Runs.GetStatusAsync("run-1");

        Assert.Equal(RunStatus.Failed, details.Status);
        Assert.Equal(1, details.Input.GetProperty("n").GetInt32());
        Assert.Equal("v", details.AdditionalMetadata.GetProperty("k").GetString());
        Assert.True(details.Tasks[0].Output.GetProperty("ok").GetBoolean());
        Assert.Equal("boom", details.Tasks[1].ErrorMessage);
        Assert.Equal(2, details.Tasks[1].RetryCount);
        Assert.Equal(RunStatus.Failed, status);
    }

    [Fact]
    public async Task CancelByFilter_PostsTheV1TaskFilterAndIsRetriedOnA503()
    {
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/stable/tenants/{0}/tasks/cancel")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("""{"errors":[{"description":"busy"}]}"""));
        await using var h = Harness();
        var since = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

        var e = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Runs.CancelByFilterAsync(new RunFilter
        {
            Since = since,
            Statuses = [RunStatus.Running],
            WorkflowIds = ["w1"],
            AdditionalMetadata = new Dictionary<string, string> { ["batch"] = "7" },
        }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Contains("busy", e.Body, StringComparison.Ordinal);
        Assert.Equal(Retries + 1, _server.LogEntries.Count);
        var request = _server.LogEntries[0].RequestMessage;
        AssertAuthorized(request);
        using var body = JsonDocument.Parse(request.Body!);
        var filter = body.RootElement.GetProperty("filter");
        Assert.False(body.RootElement.TryGetProperty("externalIds", out _));
        Assert.Equal(since, filter.GetProperty("since").GetDateTimeOffset());
        Assert.Equal("RUNNING", filter.GetProperty("statuses")[0].GetString());
        Assert.Equal("w1", filter.GetProperty("workflowIds")[0].GetString());
        Assert.Equal("batch:7", filter.GetProperty("additionalMetadata")[0].GetString());
    }

    [Fact]
    public async Task Replay_IsNotRetriedOnA503()
    {
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/stable/tenants/{0}/tasks/replay")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503));
        await using var h = Harness();

        var e = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Runs.ReplayAsync(["a"]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Single(_server.LogEntries);
        using var body = JsonDocument.Parse(_server.LogEntries.Single().RequestMessage.Body!);
        Assert.Equal("a", body.RootElement.GetProperty("externalIds")[0].GetString());
    }

    [Fact]
    public async Task ScheduleCreate_PostsTheRequestAndA400IsTypedAndNotRetried()
    {
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/tenants/{0}/workflows/nightly/scheduled")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"errors":[{"description":"workflow not found"}]}"""));
        await using var h = Harness();
        var at = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero);

        var e = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.CreateAsync("Nightly", new CreateScheduleRequest
        {
            TriggerAt = at,
            Input = new { n = 1 },
            AdditionalMetadata = new Dictionary<string, string> { ["k"] = "v" },
            Priority = 2,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains("workflow not found", e.Message, StringComparison.Ordinal);
        var request = Assert.Single(_server.LogEntries).RequestMessage;
        AssertAuthorized(request);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal(at, body.RootElement.GetProperty("triggerAt").GetDateTimeOffset());
        Assert.Equal(1, body.RootElement.GetProperty("input").GetProperty("n").GetInt32());
        Assert.Equal("v", body.RootElement.GetProperty("additionalMetadata").GetProperty("k").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task ScheduleCreate_A500IsNotRetried()
    {
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/tenants/{0}/workflows/w/scheduled")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(500));
        await using var h = Harness();

        var e = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.CreateAsync("w", new CreateScheduleRequest { TriggerAt = DateTimeOffset.UnixEpoch }));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Single(_server.LogEntries);
    }

    [Fact]
    public async Task SchedulesList_ResolvesTheWorkflowIdByNameThenFilters()
    {
        Json("GET", Tenant("/api/v1/tenants/{0}/workflows"), """{"rows":[{"metadata":{"id":"wf-other"},"name":"nightly-2"},{"metadata":{"id":"wf-1"},"name":"nightly"}]}""");
        Json("GET", Tenant("/api/v1/tenants/{0}/workflows/scheduled"), """{"rows":[{"metadata":{"id":"s1"},"workflowName":"nightly","workflowId":"wf-1","triggerAt":"2030-01-01T00:00:00Z","workflowRunId":"run-9","workflowRunStatus":"SUCCEEDED"}]}""");
        await using var h = Harness();

        var rows = await h.Client.Schedules.ListAsync(new ListSchedulesQuery { WorkflowName = "Nightly", Limit = 10 });

        var row = Assert.Single(rows);
        Assert.Equal("run-9", row.RunId);
        Assert.Equal("SUCCEEDED", row.RunStatus);
        var list = _server.LogEntries.Select(l => l.RequestMessage).Single(r => r.Path.EndsWith("/workflows/scheduled", StringComparison.Ordinal));
        Assert.Equal(["wf-1"], list.Query!["workflowId"]);
        Assert.Equal(["10"], list.Query["limit"]);
        var lookup = _server.LogEntries.Select(l => l.RequestMessage).Single(r => r.Path.EndsWith("/workflows", StringComparison.Ordinal));
        Assert.Equal(["nightly"], lookup.Query!["name"]);
    }

    [Fact]
    public async Task WorkersPause_PatchesIsPausedAndAnUnknownWorkerIsA404()
    {
        Json("PATCH", "/api/v1/workers/w-1", """{"metadata":{"id":"w-1"},"name":"n","status":"PAUSED","slotConfig":{"default":{"available":3,"limit":5}},"labels":[{"key":"gpu","value":"1"}]}""");
        _server.Given(Request.Create().WithPath("/api/v1/workers/w-2").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"errors":[{"description":"worker not found"}]}"""));
        await using var h = Harness();

        var paused = await h.Client.Workers.PauseAsync("w-1");
        var missing = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Workers.GetAsync("w-2"));

        Assert.Equal(Workers.WorkerStatus.Paused, paused.Status);
        Assert.Equal((3, 5), paused.Slots["default"]);
        Assert.Equal("1", paused.Labels["gpu"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // A 404 is not transient: one request only.
        Assert.Single(_server.LogEntries, l => l.RequestMessage.Method == "GET");
        var patch = _server.LogEntries.Single(l => l.RequestMessage.Method == "PATCH").RequestMessage;
        AssertAuthorized(patch);
        Assert.Equal("""{"isPaused":true}""", patch.Body);
    }

    [Fact]
    public async Task Gets_AreRetriedOnA500ThenFailTyped()
    {
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/tenants/{0}/rate-limits")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("oops"));
        await using var h = Harness();

        var e = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.RateLimits.ListAsync("k"));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Equal("oops", e.Body);
        Assert.Equal(Retries + 1, _server.LogEntries.Count);
        Assert.All(_server.LogEntries, l => Assert.Equal(["k"], l.RequestMessage.Query!["search"]));
    }

    [Fact]
    public async Task EventsLogsMetricsWorkflows_SendTheirQueries()
    {
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/events"), """{"rows":[{"metadata":{"id":"e1"},"key":"k","workflowRunSummary":{"succeeded":2},"triggeredRuns":[{"workflowRunId":"r1"}]}]}""");
        Json("GET", "/api/v1/stable/tasks/t-1/logs", """{"rows":[{"createdAt":"2026-01-01T00:00:00Z","message":"hello","level":"INFO"}]}""");
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/task-metrics"), """[{"status":"COMPLETED","count":4}]""");
        Json("GET", Tenant("/api/v1/tenants/{0}/step-run-queue-metrics"), """{"queues":{"wf:task":3}}""");
        Json("GET", "/api/v1/workflows/w-1", """{"metadata":{"id":"w-1"},"name":"wf","isPaused":true}""");
        await using var h = Harness();
        var since = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var events = await h.Client.Events.ListAsync(new Events.ListEventsQuery { Keys = ["k"], Scopes = ["s"], Limit = 5 });
        var logs = await h.Client.Logs.ListAsync("t-1", new ListLogsQuery { Levels = ["INFO", "ERROR"], Search = "hel", OldestFirst = true });
        var metrics = await h.Client.Metrics.GetTaskMetricsAsync(since);
        var queues = await h.Client.Metrics.GetQueueMetricsAsync();
        var workflow = await h.Client.RegisteredWorkflows.GetAsync("w-1");

        Assert.Equal(2, Assert.Single(events).Runs.Succeeded);
        Assert.Equal(["r1"], events[0].RunIds);
        Assert.Equal("hello", Assert.Single(logs).Message);
        Assert.Equal(new Metrics.TaskStatusCount(RunStatus.Completed, 4), Assert.Single(metrics));
        Assert.Equal(3, queues["wf:task"]);
        Assert.True(workflow.IsPaused);
        var requests = _server.LogEntries.Select(l => l.RequestMessage).ToList();
        Assert.All(requests, AssertAuthorized);
        var e = requests.Single(r => r.Path.EndsWith("/events", StringComparison.Ordinal)).Query!;
        Assert.Equal(["k"], e["keys"]);
        Assert.Equal(["s"], e["scopes"]);
        Assert.Equal(["5"], e["limit"]);
        var l = requests.Single(r => r.Path.EndsWith("/logs", StringComparison.Ordinal)).Query!;
        Assert.Equal(["INFO", "ERROR"], l["levels"]);
        Assert.Equal(["hel"], l["search"]);
        Assert.Equal(["ASC"], l["order_by_direction"]);
        Assert.Equal(["2026-01-01T00:00:00.000Z"], requests.Single(r => r.Path.EndsWith("/task-metrics", StringComparison.Ordinal)).Query!["since"]);
    }

    public void Dispose() => _server.Dispose();

    private HatchetHarness Harness() => fixture.Harness(o =>
    {
        o.ServerUrl = _server.Url;
        o.Retry = new RetryOptions { MaxRetryAttempts = Retries, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };
    });

    private string Tenant(string format) => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, fixture.Engine.TenantId);

    private void Json(string method, string path, string body, (string Name, string Value)? param = null)
    {
        var request = Request.Create().WithPath(path).UsingMethod(method);
        if (param is { } p)
        {
            request = request.WithParam(p.Name, p.Value);
        }

        _server.Given(request).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
    }

    private void AssertAuthorized(WireMock.IRequestMessage request) =>
        Assert.Equal($"Bearer {fixture.Engine.Token}", Assert.Single(request.Headers!["Authorization"]));
}

using System.Net;
using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Filters;
using MageFlow.Hatchet.Resilience;
using MageFlow.Hatchet.Schedules;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// The management calls' requests against WireMock: filters, event cancel and replay, workflow delete, schedule changes.
/// Method, path, query, body and bearer token as the official SDKs send them; typed errors; retries only where idempotent.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class FeatureClientManagementRequestTests(DevEngineFixture fixture) : IDisposable
{
    private const int Retries = 2;
    private const string FilterJson = """
        {"metadata":{"id":"f-1","createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-02T00:00:00Z"},"tenantId":"t","workflowId":"w-1",
         "scope":"s","expression":"input.x == 1","payload":{"tier":"gold"},"isDeclarative":false}
        """;

    private readonly WireMockServer _server = WireMockServer.Start();

    [Fact]
    public async Task FiltersCreateListGetUpdateDelete_SendTheV1FilterRequests()
    {
        Json("POST", Tenant("/api/v1/stable/tenants/{0}/filters"), FilterJson);
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/filters"), "{\"rows\":[" + FilterJson + "]}");
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/filters/f-1"), FilterJson);
        Json("PATCH", Tenant("/api/v1/stable/tenants/{0}/filters/f-1"), FilterJson);
        Json("DELETE", Tenant("/api/v1/stable/tenants/{0}/filters/f-1"), FilterJson);
        await using var h = Harness();

        var created = await h.Client.Filters.CreateAsync(new CreateFilterRequest { WorkflowId = "w-1", Scope = "s", Expression = "input.x == 1", Payload = new { tier = "gold" } });
        var listed = await h.Client.Filters.ListAsync(new ListFiltersQuery { WorkflowIds = ["w-1", "w-2"], Scopes = ["s"], Limit = 10, Offset = 5 });
        var got = await h.Client.Filters.GetAsync("f-1");
        await h.Client.Filters.UpdateAsync("f-1", new UpdateFilterRequest { Expression = "true" });
        var deleted = await h.Client.Filters.DeleteAsync("f-1");

        Assert.Equal(("f-1", "w-1", "s", "input.x == 1", false), (created.Id, created.WorkflowId, created.Scope, created.Expression, created.IsDeclarative));
        Assert.Equal("gold", created.Payload.GetProperty("tier").GetString());
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), created.UpdatedAt);
        Assert.Equal("f-1", Assert.Single(listed).Id);
        Assert.Equal("f-1", got.Id);
        Assert.Equal("f-1", deleted.Id);
        var requests = _server.LogEntries.Select(l => l.RequestMessage).ToList();
        Assert.Equal(5, requests.Count);
        Assert.All(requests, AssertAuthorized);
        using var createBody = JsonDocument.Parse(requests.Single(r => r.Method == "POST").Body!);
        Assert.Equal("w-1", createBody.RootElement.GetProperty("workflowId").GetString());
        Assert.Equal("s", createBody.RootElement.GetProperty("scope").GetString());
        Assert.Equal("input.x == 1", createBody.RootElement.GetProperty("expression").GetString());
        Assert.Equal("gold", createBody.RootElement.GetProperty("payload").GetProperty("tier").GetString());
        var query = requests.Single(r => r.Method == "GET" && r.Path.EndsWith("/filters", StringComparison.Ordinal)).Query!;
        Assert.Equal(["w-1", "w-2"], query["workflowIds"]);
        Assert.Equal(["s"], query["scopes"]);
        Assert.Equal(["10"], query["limit"]);
        Assert.Equal(["5"], query["offset"]);
        Assert.Equal("""{"expression":"true"}""", requests.Single(r => r.Method == "PATCH").Body);
    }

    [Fact]
    public async Task FiltersCreate_A500IsTypedAndNotRetried_WhileUpdateIsRetried()
    {
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/stable/tenants/{0}/filters")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("""{"errors":[{"description":"failed to create filter"}]}"""));
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/stable/tenants/{0}/filters/f-1")).UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(503));
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/stable/tenants/{0}/filters/f-2")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"errors":[{"description":"filter not found"}]}"""));
        await using var h = Harness();

        var create = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Filters.CreateAsync(new CreateFilterRequest { WorkflowId = "w", Scope = "s", Expression = "true" }));
        var update = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Filters.UpdateAsync("f-1", new UpdateFilterRequest { Scope = "t" }));
        var missing = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Filters.GetAsync("f-2"));

        Assert.Equal(HttpStatusCode.InternalServerError, create.StatusCode);
        Assert.Contains("failed to create filter", create.Body, StringComparison.Ordinal);
        Assert.Single(_server.LogEntries, l => l.RequestMessage.Method == "POST");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, update.StatusCode);
        Assert.Equal(Retries + 1, _server.LogEntries.Count(l => l.RequestMessage.Method == "PATCH"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Single(_server.LogEntries, l => l.RequestMessage.Method == "GET");
    }

    [Fact]
    public async Task EventsCancel_ReadsEachEventsRunsThenCancelsThemByExternalId()
    {
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/events/e-1"), """{"metadata":{"id":"e-1"},"key":"k","triggeredRuns":[{"workflowRunId":"r-1"},{"workflowRunId":"r-2"}]}""");
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/events/e-2"), """{"metadata":{"id":"e-2"},"key":"k","triggeredRuns":[{"workflowRunId":"r-2"}]}""");
        Json("POST", Tenant("/api/v1/stable/tenants/{0}/tasks/cancel"), """{"ids":["r-1","r-2"]}""");
        await using var h = Harness();

        var cancelled = await h.Client.Events.CancelAsync(["e-1", "e-2"]);

        Assert.Equal(["r-1", "r-2"], cancelled);
        var post = _server.LogEntries.Select(l => l.RequestMessage).Single(r => r.Method == "POST");
        AssertAuthorized(post);
        using var body = JsonDocument.Parse(post.Body!);
        Assert.Equal(["r-1", "r-2"], body.RootElement.GetProperty("externalIds").EnumerateArray().Select(e => e.GetString()));
        Assert.False(body.RootElement.TryGetProperty("filter", out _));
    }

    [Fact]
    public async Task EventsReplay_IsNotRetriedOnA503_AndAnEventWithoutRunsSendsNothing()
    {
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/events/e-1"), """{"metadata":{"id":"e-1"},"key":"k","triggeredRuns":[{"workflowRunId":"r-1"}]}""");
        Json("GET", Tenant("/api/v1/stable/tenants/{0}/events/e-0"), """{"metadata":{"id":"e-0"},"key":"k","triggeredRuns":[]}""");
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/stable/tenants/{0}/tasks/replay")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503));
        await using var h = Harness();

        var none = await h.Client.Events.ReplayAsync(["e-0"]);
        var e = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Events.ReplayAsync(["e-1"]));

        Assert.Empty(none);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        var post = Assert.Single(_server.LogEntries, l => l.RequestMessage.Method == "POST").RequestMessage;
        using var body = JsonDocument.Parse(post.Body!);
        Assert.Equal("r-1", Assert.Single(body.RootElement.GetProperty("externalIds").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task WorkflowsDelete_SendsADeleteAndA404IsTypedAndNotRetried()
    {
        _server.Given(Request.Create().WithPath("/api/v1/workflows/w-1").UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));
        _server.Given(Request.Create().WithPath("/api/v1/workflows/w-2").UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"errors":[{"description":"workflow not found"}]}"""));
        await using var h = Harness();

        await h.Client.RegisteredWorkflows.DeleteAsync("w-1");
        var missing = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.RegisteredWorkflows.DeleteAsync("w-2"));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(2, _server.LogEntries.Count);
        Assert.All(_server.LogEntries, l => AssertAuthorized(l.RequestMessage));
    }

    [Fact]
    public async Task SchedulesUpdateAndBulk_SendTheirBodiesAndReadPerIdErrors()
    {
        const string Scheduled = """{"metadata":{"id":"s-1"},"workflowName":"w","workflowId":"wf-1","triggerAt":"2030-01-01T01:00:00Z"}""";
        Json("PATCH", Tenant("/api/v1/tenants/{0}/workflows/scheduled/s-1"), Scheduled);
        Json("POST", Tenant("/api/v1/tenants/{0}/workflows/scheduled/bulk-update"), """{"updatedIds":["s-1"],"errors":[{"id":"s-2","error":"Scheduled workflow not found."}]}""");
        Json("POST", Tenant("/api/v1/tenants/{0}/workflows/scheduled/bulk-delete"), """{"deletedIds":["s-1"],"errors":[]}""");
        Json("GET", Tenant("/api/v1/tenants/{0}/workflows"), """{"rows":[{"metadata":{"id":"wf-1"},"name":"nightly"}]}""");
        await using var h = Harness();
        var at = new DateTimeOffset(2030, 1, 1, 1, 0, 0, TimeSpan.Zero);

        var updated = await h.Client.Schedules.UpdateAsync("s-1", at);
        var bulk = await h.Client.Schedules.BulkUpdateAsync([new ScheduleUpdate("s-1", at), new ScheduleUpdate("s-2", at)]);
        var byIds = await h.Client.Schedules.BulkDeleteAsync(["s-1"]);
        await h.Client.Schedules.BulkDeleteByFilterAsync(new ScheduleBulkDeleteFilter { WorkflowName = "Nightly", AdditionalMetadata = new Dictionary<string, string> { ["k"] = "v" } });

        Assert.Equal(at, updated.TriggerAt);
        Assert.Equal(["s-1"], bulk.Ids);
        Assert.Equal(new ScheduleBulkError("s-2", "Scheduled workflow not found."), Assert.Single(bulk.Errors));
        Assert.Equal(["s-1"], byIds.Ids);
        var requests = _server.LogEntries.Select(l => l.RequestMessage).ToList();
        Assert.All(requests, AssertAuthorized);
        using var patch = JsonDocument.Parse(requests.Single(r => r.Method == "PATCH").Body!);
        Assert.Equal(at, patch.RootElement.GetProperty("triggerAt").GetDateTimeOffset());
        using var bulkBody = JsonDocument.Parse(requests.Single(r => r.Path.EndsWith("/bulk-update", StringComparison.Ordinal)).Body!);
        Assert.Equal(["s-1", "s-2"], bulkBody.RootElement.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("id").GetString()));
        var deletes = requests.Where(r => r.Path.EndsWith("/bulk-delete", StringComparison.Ordinal)).Select(r => JsonDocument.Parse(r.Body!)).ToList();
        Assert.Equal("s-1", deletes[0].RootElement.GetProperty("scheduledWorkflowRunIds")[0].GetString());
        Assert.Equal("wf-1", deletes[1].RootElement.GetProperty("filter").GetProperty("workflowId").GetString());
        Assert.Equal("k:v", deletes[1].RootElement.GetProperty("filter").GetProperty("additionalMetadata")[0].GetString());
        deletes.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task SchedulesBulkDelete_IsRetriedOnA503ThenFailsTyped()
    {
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/tenants/{0}/workflows/scheduled/bulk-delete")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("busy"));
        await using var h = Harness();

        var e = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.BulkDeleteAsync(["s-1"]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal("busy", e.Body);
        Assert.Equal(Retries + 1, _server.LogEntries.Count);
    }

    [Fact]
    public async Task CronsSetEnabledAndTriggerNow_PatchIsRetriedAndTheTriggerIsNot()
    {
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/tenants/{0}/workflows/crons/c-1")).UsingPatch())
            .RespondWith(Response.Create().WithStatusCode(503));
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/tenants/{0}/workflows/crons/c-1")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("""{"errors":[{"description":"Failed to trigger cron workflow."}]}"""));
        Json("PATCH", Tenant("/api/v1/tenants/{0}/workflows/crons/c-2"), string.Empty);
        Json("POST", Tenant("/api/v1/tenants/{0}/workflows/crons/c-2"), """{"externalId":"run-7"}""");
        await using var h = Harness();

        var patch = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Crons.SetEnabledAsync("c-1", false));
        var trigger = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Crons.TriggerNowAsync("c-1"));
        await h.Client.Crons.SetEnabledAsync("c-2", true);
        var runId = await h.Client.Crons.TriggerNowAsync("c-2");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, patch.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, trigger.StatusCode);
        Assert.Equal("run-7", runId);
        var requests = _server.LogEntries.Select(l => l.RequestMessage).ToList();
        Assert.All(requests, AssertAuthorized);
        Assert.Equal(Retries + 1, requests.Count(r => r.Method == "PATCH" && r.Path.EndsWith("/c-1", StringComparison.Ordinal)));
        Assert.All(requests.Where(r => r.Method == "PATCH" && r.Path.EndsWith("/c-1", StringComparison.Ordinal)), r => Assert.Equal("""{"enabled":false}""", r.Body));
        Assert.Equal("""{"enabled":true}""", requests.Single(r => r.Method == "PATCH" && r.Path.EndsWith("/c-2", StringComparison.Ordinal)).Body);
        Assert.Single(requests, r => r.Method == "POST" && r.Path.EndsWith("/c-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SchedulesTriggerNowAndWorkflowVersion_ReadTheirAnswers()
    {
        Json("POST", Tenant("/api/v1/tenants/{0}/workflows/scheduled/s-1"), """{"externalId":"run-1"}""");
        _server.Given(Request.Create().WithPath(Tenant("/api/v1/tenants/{0}/workflows/scheduled/s-2")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503));
        Json("GET", "/api/v1/workflows/w-1/versions", """
            {"metadata":{"id":"v-1","createdAt":"2026-01-01T00:00:00Z"},"version":"v1","workflowId":"w-1","order":0,
             "triggers":{"events":[{"event_key":"order:placed"}],"crons":[{"cron":"0 * * * *"}]},
             "jobs":[{"metadata":{"id":"j"},"name":"w","steps":[{"readableId":"first"},{"readableId":"second"}]}]}
            """);
        Json("GET", "/api/v1/workflows/w-2/versions", """{"metadata":{"id":"v-2"},"version":"v2","workflowId":"w-2"}""");
        await using var h = Harness();

        var runId = await h.Client.Schedules.TriggerNowAsync("s-1");
        var busy = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.TriggerNowAsync("s-2"));
        var version = await h.Client.RegisteredWorkflows.GetVersionAsync("w-1", "v-1");
        var bare = await h.Client.RegisteredWorkflows.GetVersionAsync("w-2");

        Assert.Equal("run-1", runId);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Single(_server.LogEntries, l => l.RequestMessage.Path.EndsWith("/s-2", StringComparison.Ordinal));
        Assert.Equal(("v-1", "v1", "w-1"), (version.Id, version.Version, version.WorkflowId));
        Assert.Equal(["order:placed"], version.EventTriggers);
        Assert.Equal(["0 * * * *"], version.CronTriggers);
        Assert.Equal(["first", "second"], version.Tasks);
        Assert.Empty(bare.EventTriggers);
        Assert.Empty(bare.Tasks);
        var requests = _server.LogEntries.Select(l => l.RequestMessage).ToList();
        Assert.All(requests, AssertAuthorized);
        Assert.Equal(["v-1"], requests.Single(r => r.Path == "/api/v1/workflows/w-1/versions").Query!["version"]);
        Assert.False(requests.Single(r => r.Path == "/api/v1/workflows/w-2/versions").Query!.ContainsKey("version"));
    }

    public void Dispose() => _server.Dispose();

    private HatchetHarness Harness() => fixture.Harness(o =>
    {
        o.ServerUrl = _server.Url;
        o.Retry = new RetryOptions { MaxRetryAttempts = Retries, Delay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };
    });

    private string Tenant(string format) => string.Format(System.Globalization.CultureInfo.InvariantCulture, format, fixture.Engine.TenantId);

    private void Json(string method, string path, string body) =>
        _server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

    private void AssertAuthorized(WireMock.IRequestMessage request) =>
        Assert.Equal($"Bearer {fixture.Engine.Token}", Assert.Single(request.Headers!["Authorization"]));
}

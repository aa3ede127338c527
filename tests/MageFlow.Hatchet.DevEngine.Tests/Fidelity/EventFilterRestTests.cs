using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Declared and REST-created event filters in one store, as Hatchet's <c>v1_filter</c> table holds both: declared ones
/// are listed with <c>isDeclarative</c> and replaced by the next version that declares some; REST pagination follows
/// <c>ToV1FilterList</c>; comparisons of <c>input.</c> fields are evaluated for declared filters too.
/// </summary>
public sealed class EventFilterRestTests
{
    [Fact]
    public async Task DeclaredFilters_AreListedAsDeclarativeAndReplacedByTheNextVersionThatDeclaresSome()
    {
        await using var engine = await ClockedEngine.StartAsync();
        using var http = Http(engine);
        var name = Unique("declared");
        var key = Unique("evt");
        var v1 = Define(name, TaskOpts("t", name + ":t"));
        v1.EventTriggers.Add(key);
        v1.DefaultFilters.Add(new DefaultFilter { Expression = "input.amount >= 10", Scope = "s" });
        await engine.PutAsync(v1);

        var first = await ListAsync(http, engine);
        var declared = Assert.Single(first.GetProperty("rows").EnumerateArray());
        Assert.True(declared.GetProperty("isDeclarative").GetBoolean());
        var workflowId = declared.GetProperty("workflowId").GetString();
        using (var created = await http.PostAsJsonAsync(Filters(engine), new { workflowId, scope = "s", expression = "input.amount < 0" }))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        await engine.Events.PushAsync(new PushEventRequest { Key = key, Payload = "{\"amount\":9}", Scope = "s" }, engine.Auth);
        Assert.Equal(0, engine.Engine.Counters.RunsCreated);
        await engine.Events.PushAsync(new PushEventRequest { Key = key, Payload = "{\"amount\":10}", Scope = "s" }, engine.Auth);
        Assert.Equal(1, engine.Engine.Counters.RunsCreated);

        // A version without filters keeps the declared ones; one with filters replaces them, and REST filters stay.
        var v2 = Define(name, TaskOpts("t", name + ":t"));
        v2.EventTriggers.Add(key);
        await engine.PutAsync(v2);
        Assert.Equal(2, (await ListAsync(http, engine)).GetProperty("rows").GetArrayLength());
        var v3 = Define(name, TaskOpts("t", name + ":t"));
        v3.EventTriggers.Add(key);
        v3.DefaultFilters.Add(new DefaultFilter { Expression = "true", Scope = "other" });
        await engine.PutAsync(v3);

        var rows = (await ListAsync(http, engine)).GetProperty("rows").EnumerateArray()
            .Select(r => (r.GetProperty("scope").GetString(), r.GetProperty("expression").GetString(), r.GetProperty("isDeclarative").GetBoolean()))
            .ToList();
        Assert.Equal([("other", "true", true), ("s", "input.amount < 0", false)], rows.Order());
    }

    [Fact]
    public async Task RestFilters_PageAsToV1FilterListAndRefuseWhatTheEngineCannotEvaluate()
    {
        await using var engine = await ClockedEngine.StartAsync();
        using var http = Http(engine);
        var workflowId = Guid.NewGuid().ToString();
        for (var i = 0; i < 3; i++)
        {
            using var created = await http.PostAsJsonAsync(Filters(engine), new { workflowId, scope = $"s{i}", expression = "true" });
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        var page = await ListAsync(http, engine, "?limit=2&offset=2");
        Assert.Single(page.GetProperty("rows").EnumerateArray());
        var pagination = page.GetProperty("pagination");
        Assert.Equal((1, 2, 2), (pagination.GetProperty("current_page").GetInt32(), pagination.GetProperty("next_page").GetInt32(), pagination.GetProperty("num_pages").GetInt32()));

        await AssertRefusedAsync(http.PostAsJsonAsync(Filters(engine), new { workflowId, scope = "s0", expression = "true" }), "already exists");
        await AssertRefusedAsync(http.PostAsJsonAsync(Filters(engine), new { workflowId = "nope", scope = "s", expression = "true" }), "not a valid uuid");
        await AssertRefusedAsync(http.PostAsJsonAsync(Filters(engine), new { workflowId, scope = "s", expression = "output.x > 1" }), "no 'output' variable");
        await AssertRefusedAsync(http.PostAsJsonAsync(Filters(engine), new { workflowId, scope = "s", expression = "size(input.items) > 1" }), "does not evaluate the CEL expression");
        await AssertRefusedAsync(http.PostAsJsonAsync(Filters(engine), new { workflowId, scope = "s", expression = "true", payload = new[] { 1 } }), "payload must be an object");
        var id = (await ListAsync(http, engine)).GetProperty("rows")[0].GetProperty("metadata").GetProperty("id").GetString();
        await AssertRefusedAsync(http.PatchAsJsonAsync(Filters(engine) + "/" + id, new { expression = "input.a == b" }), "does not evaluate the CEL expression");
        using var missing = await http.DeleteAsync(new Uri(Filters(engine) + "/" + Guid.NewGuid(), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static HttpClient Http(ClockedEngine engine)
    {
        var http = new HttpClient { BaseAddress = engine.Engine.ServerUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", engine.Engine.Token);
        return http;
    }

    private static string Filters(ClockedEngine engine) => $"/api/v1/stable/tenants/{engine.Engine.TenantId}/filters";

    private static async Task<JsonElement> ListAsync(HttpClient http, ClockedEngine engine, string query = "")
    {
        using var response = await http.GetAsync(new Uri(Filters(engine) + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task AssertRefusedAsync(Task<HttpResponseMessage> call, string contains)
    {
        using var response = await call;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(contains, body.RootElement.GetProperty("errors")[0].GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Crons as Hatchet runs them: declared crons are checked on <c>PutWorkflow</c> (robfig/cron with optional seconds,
/// pkg/validator/validator.go) and fire in UTC, each due time once, with the run's metadata tagged with the expression, the
/// scheduled time and the cron's name (RunCronWorkflow in internal/services/ticker/cron_v1.go); crons created over REST
/// (api/v1/server/handlers/workflows/*_cron.go) fire the same way until deleted. The engine's clock is a manual one, so
/// nothing waits for real time.
/// </summary>
public sealed class CronTests
{
    [Fact]
    public async Task DeclaredCron_FiresAtEachDueTimeOnceWithCronInputAndTaggedMetadata()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("cron");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.CronTriggers.Add("*/5 * * * *");
        wf.CronInput = "{\"from\":\"cron\"}";
        await engine.PutAsync(wf);
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"]);

        var now = engine.Clock.GetUtcNow();
        var due = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute / 5 * 5, 0, TimeSpan.Zero).AddMinutes(5);
        var before = engine.Engine.Counters.RunsCreated;
        engine.Advance(due - now - TimeSpan.FromSeconds(1));
        Assert.Equal(before, engine.Engine.Counters.RunsCreated);

        engine.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(before + 1, engine.Engine.Counters.RunsCreated);
        var action = await worker.NextAsync();
        using var payload = JsonDocument.Parse(action.ActionPayload);
        Assert.Equal("cron", payload.RootElement.GetProperty("input").GetProperty("from").GetString());
        using var metadata = JsonDocument.Parse(action.AdditionalMetadata);
        Assert.Equal("*/5 * * * *", metadata.RootElement.GetProperty("hatchet__cron_expression").GetString());
        Assert.Equal(due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), metadata.RootElement.GetProperty("hatchet__cron_scheduled_at").GetString());
        Assert.Equal(string.Empty, metadata.RootElement.GetProperty("hatchet__cron_name").GetString());

        // Three due times pass in one step: the cron fires once, then keeps its five-minute beat.
        engine.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(before + 2, engine.Engine.Counters.RunsCreated);
        engine.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(before + 3, engine.Engine.Counters.RunsCreated);

        // A new version without the cron stops it.
        await engine.PutAsync(Define(name, TaskOpts("t", name + ":t")));
        engine.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(before + 3, engine.Engine.Counters.RunsCreated);
    }

    [Fact]
    public async Task PutWorkflow_InvalidCron_IsRefusedWithHatchetsValidationMessage()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("badcron");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.CronTriggers.Add("0 0 * * *");
        wf.CronTriggers.Add("not a cron");
        var e = await Assert.ThrowsAsync<RpcException>(() => engine.PutAsync(wf));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("'CreateWorkflowVersionOpts.CronTriggers[1]': Invalid cron expression", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestCron_CreatedListedFiredAndDeleted()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("apicron");
        await engine.PutAsync(Define(name, TaskOpts("t", name + ":t")));
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"]);
        using var http = new HttpClient { BaseAddress = engine.Engine.ServerUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", engine.Engine.Token);
        var tenant = engine.Engine.TenantId;

        var created = await http.PostAsJsonAsync(
            $"/api/v1/tenants/{tenant}/workflows/{name}/crons",
            new { cronName = "every-30s", cronExpression = "*/30 * * * * *", input = new { n = 1 }, additionalMetadata = new { team = "blue" }, priority = 2 });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var cron = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = cron.RootElement.GetProperty("metadata").GetProperty("id").GetString()!;
        Assert.Equal("API", cron.RootElement.GetProperty("method").GetString());
        Assert.Equal("*/30 * * * * *", cron.RootElement.GetProperty("cron").GetString());
        Assert.Equal(2, cron.RootElement.GetProperty("priority").GetInt32());

        var duplicate = await http.PostAsJsonAsync(
            $"/api/v1/tenants/{tenant}/workflows/{name}/crons",
            new { cronName = "every-30s", cronExpression = "*/30 * * * * *", input = new { }, additionalMetadata = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        var unknown = await http.PostAsJsonAsync(
            $"/api/v1/tenants/{tenant}/workflows/{Unique("nope")}/crons",
            new { cronName = "x", cronExpression = "* * * * *", input = new { }, additionalMetadata = new { } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        using (var list = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/tenants/{tenant}/workflows/crons?workflowName={name}&additionalMetadata=team:blue")))
        {
            var rows = list.RootElement.GetProperty("rows");
            Assert.Equal(1, rows.GetArrayLength());
            Assert.Equal(id, rows[0].GetProperty("metadata").GetProperty("id").GetString());
        }

        var before = engine.Engine.Counters.RunsCreated;
        engine.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(before + 1, engine.Engine.Counters.RunsCreated);
        var action = await worker.NextAsync();
        using (var metadata = JsonDocument.Parse(action.AdditionalMetadata))
        {
            Assert.Equal("blue", metadata.RootElement.GetProperty("team").GetString());
            Assert.Equal("every-30s", metadata.RootElement.GetProperty("hatchet__cron_name").GetString());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/tenants/{tenant}/workflows/crons/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/api/v1/tenants/{tenant}/workflows/crons/{id}")).StatusCode);
        engine.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(before + 1, engine.Engine.Counters.RunsCreated);
        using (var list = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/tenants/{tenant}/workflows/crons?workflowName={name}")))
        {
            Assert.Equal(0, list.RootElement.GetProperty("rows").GetArrayLength());
        }
    }
}

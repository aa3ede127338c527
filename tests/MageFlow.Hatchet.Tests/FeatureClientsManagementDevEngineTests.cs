using System.Net;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Filters;
using MageFlow.Hatchet.Runs;
using MageFlow.Hatchet.Schedules;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

/// <summary>The management calls of the feature clients end to end against the dev engine: filters, event cancel and
/// replay, worker labels, workflow delete, schedule changes.</summary>
[Collection(SdkCollection.Name)]
public sealed class FeatureClientsManagementDevEngineTests(DevEngineFixture fixture)
{
    public sealed record Amount(int Value);

    public sealed record Seen(int Value, string? Tier);

    public sealed record In(string Who);

    public sealed record Out(string Greeting);

    [Fact]
    public async Task Filters_CreatedOverRest_DecideWhichEventsTriggerTheWorkflowAndPassTheirPayload()
    {
        await using var h = fixture.Harness();
        var key = Names.Unique("orders") + ":placed";
        var seen = new System.Collections.Concurrent.ConcurrentQueue<Seen>();
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        var task = h.Task<Amount, Amount>(Names.Unique("filtered"), (input, ctx) =>
        {
            seen.Enqueue(new Seen(input.Value, ctx.FilterPayload.ValueKind == System.Text.Json.JsonValueKind.Object ? ctx.FilterPayload.GetProperty("tier").GetString() : null));
            return Task.FromResult(input);
        }, options);
        await h.StartWorkerAsync(slots: 5);
        var workflowId = (await h.Client.RegisteredWorkflows.FindByNameAsync(task.Name))!.Id;

        var created = await h.Client.Filters.CreateAsync(new CreateFilterRequest { WorkflowId = workflowId, Scope = "shop-a", Expression = "input.value > 10", Payload = new { tier = "gold" } });
        var listed = await h.Client.Filters.ListAsync(new ListFiltersQuery { WorkflowIds = [workflowId] });
        var got = await h.Client.Filters.GetAsync(created.Id);

        Assert.Equal((workflowId, "shop-a", "input.value > 10", false), (created.WorkflowId, created.Scope, created.Expression, created.IsDeclarative));
        Assert.Equal("gold", created.Payload.GetProperty("tier").GetString());
        Assert.Equal([created.Id], listed.Select(f => f.Id));
        Assert.Equal(created, got with { Payload = created.Payload });

        var before = h.Engine.Counters.RunsCreated;
        await h.Client.Events.PushAsync(key, new Amount(5), scope: "shop-a");
        await h.Client.Events.PushAsync(key, new Amount(50), scope: "shop-b");
        await h.Client.Events.PushAsync(key, new Amount(50));
        Assert.Equal(before, h.Engine.Counters.RunsCreated);
        await h.Client.Events.PushAsync(key, new Amount(20), scope: "shop-a");
        Assert.Equal(before + 1, h.Engine.Counters.RunsCreated);

        var updated = await h.Client.Filters.UpdateAsync(created.Id, new UpdateFilterRequest { Expression = "input.value < 10" });
        Assert.Equal(("input.value < 10", "shop-a"), (updated.Expression, updated.Scope));
        await h.Client.Events.PushAsync(key, new Amount(20), scope: "shop-a");
        Assert.Equal(before + 1, h.Engine.Counters.RunsCreated);
        await h.Client.Events.PushAsync(key, new Amount(3), scope: "shop-a");
        Assert.Equal(before + 2, h.Engine.Counters.RunsCreated);

        var deleted = await h.Client.Filters.DeleteAsync(created.Id);
        Assert.Equal(created.Id, deleted.Id);
        Assert.Empty(await h.Client.Filters.ListAsync(new ListFiltersQuery { WorkflowIds = [workflowId] }));
        await h.Client.Events.PushAsync(key, new Amount(7));
        Assert.Equal(before + 3, h.Engine.Counters.RunsCreated);

        await Eventually(() => Task.FromResult(seen.Count), c => c == 3);
        Assert.Equal([new Seen(20, "gold"), new Seen(3, "gold"), new Seen(7, null)], seen.OrderBy(s => s.Value == 7).ThenByDescending(s => s.Value));
        var gone = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Filters.GetAsync(created.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var cel = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Filters.CreateAsync(
            new CreateFilterRequest { WorkflowId = workflowId, Scope = "s", Expression = "input.value > 1 && input.value < 9" }));
        Assert.Equal(HttpStatusCode.BadRequest, cel.StatusCode);
        Assert.Contains("does not evaluate the CEL expression", cel.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsCancelAndReplay_ActOnTheRunsTheEventTriggered()
    {
        await using var h = fixture.Harness();
        var key = Names.Unique("jobs") + ":queued";
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        h.Task<In, Out>(Names.Unique("blocking"), async (input, ctx) =>
        {
            await release.Task.WaitAsync(ctx.CancellationToken);
            return new Out(input.Who);
        }, options);
        await h.StartWorkerAsync(slots: 2);
        var eventId = await h.Client.Events.PushAsync(key, new In("evt"));
        var runId = Assert.Single((await h.Client.Events.GetAsync(eventId)).RunIds);

        var cancelled = await h.Client.Events.CancelAsync([eventId]);

        Assert.Equal([runId], cancelled);
        Assert.Equal(RunStatus.Cancelled, await Eventually(() => h.Client.Runs.GetStatusAsync(runId), s => s == RunStatus.Cancelled));
        release.SetResult();
        var replayed = await h.Client.Events.ReplayAsync([eventId]);
        Assert.Equal([runId], replayed);
        Assert.Equal(RunStatus.Completed, await Eventually(() => h.Client.Runs.GetStatusAsync(runId), s => s == RunStatus.Completed));
        var unknown = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Events.CancelAsync([Guid.NewGuid().ToString()]));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task WorkersUpsertLabels_AddsAndReplacesLabels()
    {
        await using var h = fixture.Harness();
        h.Task<In, Out>(Names.Unique("labelled"), (input, _) => Task.FromResult(new Out(input.Who)));
        var worker = await h.StartWorkerAsync(slots: 1);
        var workerId = Assert.IsType<string>(worker.WorkerId);

        await h.Client.Workers.UpsertLabelsAsync(workerId, new Dictionary<string, object> { ["gpu"] = "a100", ["memory"] = 64 });
        await h.Client.Workers.UpsertLabelsAsync(workerId, new Dictionary<string, object> { ["gpu"] = "h100" });

        var info = await h.Client.Workers.GetAsync(workerId);
        Assert.Equal("h100", info.Labels["gpu"]);
        Assert.Equal("64", info.Labels["memory"]);
    }

    [Fact]
    public async Task WorkflowsDelete_RemovesTheWorkflowItsSchedulesAndItsTrigger()
    {
        await using var h = fixture.Harness();
        var task = h.Task<In, Out>(Names.Unique("doomed"), (input, _) => Task.FromResult(new Out(input.Who)));
        await h.StartWorkerAsync(slots: 1);
        var workflow = (await h.Client.RegisteredWorkflows.FindByNameAsync(task.Name))!;
        await h.Client.Schedules.CreateAsync(task.Name, new CreateScheduleRequest { TriggerAt = DateTimeOffset.UtcNow.AddHours(1) });

        await h.Client.RegisteredWorkflows.DeleteAsync(workflow.Id);

        var gone = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.RegisteredWorkflows.GetAsync(workflow.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Null(await h.Client.RegisteredWorkflows.FindByNameAsync(task.Name));
        Assert.DoesNotContain(await h.Client.Schedules.ListAsync(), s => s.WorkflowId == workflow.Id);
        var again = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.RegisteredWorkflows.DeleteAsync(workflow.Id));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Schedules_UpdateBulkUpdateAndBulkDelete()
    {
        await using var h = fixture.Harness();
        var task = h.Task<In, Out>(Names.Unique("moved"), (input, _) => Task.FromResult(new Out(input.Who)));
        await h.StartWorkerAsync(slots: 1);
        var at = DateTimeOffset.UtcNow.AddHours(1);
        var batch = new Dictionary<string, string> { ["batch"] = Guid.NewGuid().ToString("N") };
        var a = await h.Client.Schedules.CreateAsync(task.Name, new CreateScheduleRequest { TriggerAt = at, AdditionalMetadata = batch });
        var b = await h.Client.Schedules.CreateAsync(task.Name, new CreateScheduleRequest { TriggerAt = at, AdditionalMetadata = batch });
        var c = await h.Client.Schedules.CreateAsync(task.Name, new CreateScheduleRequest { TriggerAt = at });

        var moved = await h.Client.Schedules.UpdateAsync(a.Id, at.AddHours(1));
        var missing = Guid.NewGuid().ToString();
        var bulkMoved = await h.Client.Schedules.BulkUpdateAsync([new ScheduleUpdate(b.Id, at.AddHours(2)), new ScheduleUpdate(missing, at)]);
        var deletedByFilter = await h.Client.Schedules.BulkDeleteByFilterAsync(new ScheduleBulkDeleteFilter { WorkflowName = task.Name, AdditionalMetadata = batch });
        var deletedById = await h.Client.Schedules.BulkDeleteAsync([c.Id]);

        Assert.Equal(at.AddHours(1).ToUnixTimeMilliseconds(), moved.TriggerAt.ToUnixTimeMilliseconds());
        Assert.Equal([b.Id], bulkMoved.Ids);
        Assert.Equal(new ScheduleBulkError(missing, "Scheduled workflow not found."), Assert.Single(bulkMoved.Errors));
        Assert.Equal(new[] { a.Id, b.Id }.Order(), deletedByFilter.Ids.Order());
        Assert.Empty(deletedByFilter.Errors);
        Assert.Equal([c.Id], deletedById.Ids);
        Assert.Empty(await h.Client.Schedules.ListAsync(new ListSchedulesQuery { WorkflowName = task.Name }));
        var gone = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.UpdateAsync(a.Id, at));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task CronsDisableEnableAndTriggerNow_AndSchedulesTriggerNow_StartRunsAtOnce()
    {
        await using var h = fixture.Harness();
        var task = h.Task<In, Out>(Names.Unique("nowish"), (input, _) => Task.FromResult(new Out("hi " + input.Who)));
        await h.StartWorkerAsync(slots: 2);
        var cron = await h.Client.Crons.CreateAsync(task.Name, new Crons.CreateCronRequest { Name = "yearly", Expression = "0 0 1 1 *", Input = new In("cron") });
        var schedule = await h.Client.Schedules.CreateAsync(task.Name, new CreateScheduleRequest { TriggerAt = DateTimeOffset.UtcNow.AddHours(1), Input = new In("schedule") });

        await h.Client.Crons.SetEnabledAsync(cron.Id, false);
        var disabled = await h.Client.Crons.GetAsync(cron.Id);
        await h.Client.Crons.SetEnabledAsync(cron.Id, true);
        var cronRun = await h.Client.Crons.TriggerNowAsync(cron.Id);
        var scheduleRun = await h.Client.Schedules.TriggerNowAsync(schedule.Id);

        Assert.False(disabled.Enabled);
        Assert.True((await h.Client.Crons.GetAsync(cron.Id)).Enabled);
        Assert.Equal("hi cron", (await h.Client.Runs.Get(cronRun).ResultAsync<Out>().WaitAsync(Wait)).Greeting);
        Assert.Equal("yearly", (await h.Client.Runs.GetAsync(cronRun)).AdditionalMetadata.GetProperty("hatchet__cron_name").GetString());
        Assert.Equal("hi schedule", (await h.Client.Runs.Get(scheduleRun).ResultAsync<Out>().WaitAsync(Wait)).Greeting);
        Assert.Equal(scheduleRun, (await h.Client.Schedules.GetAsync(schedule.Id)).RunId);
        var again = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.TriggerNowAsync(schedule.Id));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var moved = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.UpdateAsync(schedule.Id, DateTimeOffset.UtcNow.AddDays(1)));
        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
        var unknown = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Crons.TriggerNowAsync(Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // The engine is shared by the collection: no cron of this test is left to fire during another.
        await h.Client.Crons.DeleteAsync(cron.Id);
    }

    [Fact]
    public async Task WorkflowsGetVersion_DescribesTheCurrentVersion()
    {
        await using var h = fixture.Harness();
        var key = Names.Unique("versioned") + ":evt";
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        var task = h.Task<In, Out>(Names.Unique("versioned"), (input, _) => Task.FromResult(new Out(input.Who)), options);
        await h.StartWorkerAsync(slots: 1);
        var workflow = (await h.Client.RegisteredWorkflows.FindByNameAsync(task.Name))!;

        var current = await h.Client.RegisteredWorkflows.GetVersionAsync(workflow.Id);
        var same = await h.Client.RegisteredWorkflows.GetVersionAsync(workflow.Id, current.Id);

        Assert.Equal(workflow.Id, current.WorkflowId);
        Assert.Equal([h.Client.Namespace + key], current.EventTriggers);
        Assert.Single(current.Tasks);
        Assert.Equal(current.Id, same.Id);
        var other = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.RegisteredWorkflows.GetVersionAsync(workflow.Id, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var value = await read();
            if (done(value) || timeout.IsCancellationRequested)
            {
                return value;
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}

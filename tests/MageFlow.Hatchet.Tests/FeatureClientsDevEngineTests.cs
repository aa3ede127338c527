using System.Net;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.RateLimits;
using MageFlow.Hatchet.Runs;
using MageFlow.Hatchet.Schedules;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Workers;

namespace MageFlow.Hatchet.Tests;

/// <summary>Every REST feature client of the SDK end to end against the dev engine.</summary>
[Collection(SdkCollection.Name)]
public sealed class FeatureClientsDevEngineTests(DevEngineFixture fixture)
{
    public sealed record In(string Who);

    public sealed record Out(string Greeting);

    [Fact]
    public async Task Runs_ListGetStatusLogsAndMetrics_DescribeACompletedRun()
    {
        await using var h = fixture.Harness();
        var task = h.Task<In, Out>(Names.Unique("greet"), async (input, ctx) =>
        {
            await ctx.LogAsync($"greeting {input.Who}");
            return new Out("hi " + input.Who);
        });
        await h.StartWorkerAsync(slots: 2);
        var suite = Guid.NewGuid().ToString("N");
        var options = new RunOptions();
        options.AdditionalMetadata["suite"] = suite;
        var run = await task.RunNoWaitAsync(new In("ada"), options);
        await run.ResultAsync().WaitAsync(Wait);

        var rows = await h.Client.Runs.ListAsync(new ListRunsQuery { AdditionalMetadata = new Dictionary<string, string> { ["suite"] = suite }, IncludePayloads = true }).ToListAsync();
        var byWorkflow = await h.Client.Runs.ListAsync(new ListRunsQuery { WorkflowNames = [task.Name], Statuses = [RunStatus.Completed] }).ToListAsync();
        var details = await h.Client.Runs.GetAsync(run.RunId);
        var status = await h.Client.Runs.GetStatusAsync(run.RunId);
        var logs = await Eventually(() => h.Client.Logs.ListAsync(run.RunId), l => l.Count > 0);
        var metrics = await h.Client.Metrics.GetTaskMetricsAsync();

        var row = Assert.Single(rows);
        Assert.Equal(run.RunId, row.Id);
        Assert.Equal(RunStatus.Completed, row.Status);
        Assert.Equal("hi ada", row.Output.GetProperty("greeting").GetString());
        Assert.Equal([run.RunId], byWorkflow.Select(r => r.Id));
        Assert.Equal(RunStatus.Completed, details.Status);
        Assert.Equal("ada", details.Input.GetProperty("who").GetString());
        Assert.Equal(suite, details.AdditionalMetadata.GetProperty("suite").GetString());
        Assert.Equal("hi ada", Assert.Single(details.Tasks).Output.GetProperty("greeting").GetString());
        Assert.Equal(RunStatus.Completed, status);
        Assert.Equal("greeting ada", Assert.Single(logs).Message);
        Assert.True(metrics.Single(m => m.Status == RunStatus.Completed).Count >= 1);
        Assert.NotNull(await h.Client.Metrics.GetQueueMetricsAsync());
        var missing = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Runs.GetStatusAsync(Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task CancelAndReplayByFilter_ActOnTheMatchingRunsOnly()
    {
        await using var h = fixture.Harness();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = h.Task<In, Out>(Names.Unique("blocking"), async (input, ctx) =>
        {
            await release.Task.WaitAsync(ctx.CancellationToken);
            return new Out(input.Who);
        });
        await h.StartWorkerAsync(slots: 5);
        var batch = Guid.NewGuid().ToString("N");
        var mine = new RunOptions();
        mine.AdditionalMetadata["batch"] = batch;
        var a = await task.RunNoWaitAsync(new In("a"), mine);
        var b = await task.RunNoWaitAsync(new In("b"), mine);
        var other = await task.RunNoWaitAsync(new In("other"));
        var filter = new RunFilter { Since = DateTimeOffset.UtcNow.AddMinutes(-5), AdditionalMetadata = new Dictionary<string, string> { ["batch"] = batch } };

        var cancelled = await h.Client.Runs.CancelByFilterAsync(filter);

        Assert.Equal(new[] { a.RunId, b.RunId }.Order(), cancelled.Order());
        Assert.Equal(RunStatus.Cancelled, await Eventually(() => h.Client.Runs.GetStatusAsync(a.RunId), s => s == RunStatus.Cancelled));
        Assert.Equal(RunStatus.Cancelled, await Eventually(() => h.Client.Runs.GetStatusAsync(b.RunId), s => s == RunStatus.Cancelled));
        Assert.NotEqual(RunStatus.Cancelled, await h.Client.Runs.GetStatusAsync(other.RunId));

        release.SetResult();
        var replayed = await h.Client.Runs.ReplayByFilterAsync(filter with { Statuses = [RunStatus.Cancelled] });
        Assert.Equal(new[] { a.RunId, b.RunId }.Order(), replayed.Order());
        Assert.Equal(RunStatus.Completed, await Eventually(() => h.Client.Runs.GetStatusAsync(a.RunId), s => s == RunStatus.Completed));
        Assert.Equal("other", (await other.ResultAsync<Out>().WaitAsync(Wait)).Greeting);
    }

    [Fact]
    public async Task Schedules_CreateListGetDelete()
    {
        await using var h = fixture.Harness();
        var task = h.Task<In, Out>(Names.Unique("later"), (input, _) => Task.FromResult(new Out(input.Who)));
        await h.StartWorkerAsync(slots: 1);
        var at = DateTimeOffset.UtcNow.AddHours(1);

        var created = await h.Client.Schedules.CreateAsync(task.Name, new CreateScheduleRequest { TriggerAt = at, Input = new In("later"), Priority = 2 });
        var listed = await h.Client.Schedules.ListAsync(new ListSchedulesQuery { WorkflowName = task.Name });
        var got = await h.Client.Schedules.GetAsync(created.Id);
        await h.Client.Schedules.DeleteAsync(created.Id);

        Assert.Equal(task.WorkflowName, created.WorkflowName);
        Assert.Equal(at.ToUnixTimeMilliseconds(), created.TriggerAt.ToUnixTimeMilliseconds());
        Assert.Equal("later", created.Input.GetProperty("who").GetString());
        Assert.Equal(2, created.Priority);
        Assert.Null(created.RunId);
        Assert.Equal([created.Id], listed.Select(s => s.Id));
        Assert.Equal(created.Id, got.Id);
        Assert.Empty(await h.Client.Schedules.ListAsync(new ListSchedulesQuery { WorkflowName = task.Name }));
        var gone = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.GetAsync(created.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var unknown = await Assert.ThrowsAsync<HatchetApiException>(() => h.Client.Schedules.CreateAsync("no-such-workflow", new CreateScheduleRequest { TriggerAt = at }));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task RateLimitsWorkersWorkflowsAndEvents_RoundTrip()
    {
        await using var h = fixture.Harness();
        var key = Names.Unique("limit");
        var eventKey = Names.Unique("evt");
        var options = new TaskOptions();
        options.OnEvents.Add(eventKey);
        var task = h.Task<In, Out>(Names.Unique("listening"), (input, _) => Task.FromResult(new Out(input.Who)), options);
        var worker = await h.StartWorkerAsync(slots: 1);

        await h.Client.RateLimits.PutAsync(key, 9, RateLimitWindow.Hour);
        var limit = Assert.Single(await h.Client.RateLimits.ListAsync(key));
        Assert.Equal((key, 9, "1 HOUR"), (limit.Key, limit.Limit, limit.Window));

        var workers = await h.Client.Workers.ListAsync();
        var info = Assert.Single(workers, w => w.Id == worker.WorkerId);
        Assert.Equal(WorkerStatus.Active, info.Status);
        Assert.Contains(info.Actions, a => a.StartsWith(task.WorkflowName, StringComparison.Ordinal));
        Assert.Equal(WorkerStatus.Paused, (await h.Client.Workers.PauseAsync(info.Id)).Status);
        Assert.Equal(WorkerStatus.Paused, (await h.Client.Workers.GetAsync(info.Id)).Status);
        Assert.Equal(WorkerStatus.Active, (await h.Client.Workers.UnpauseAsync(info.Id)).Status);

        var workflow = await h.Client.RegisteredWorkflows.FindByNameAsync(task.Name);
        Assert.NotNull(workflow);
        Assert.Equal(task.WorkflowName, (await h.Client.RegisteredWorkflows.GetAsync(workflow.Id)).Name);

        var eventId = await h.Client.Events.PushAsync(eventKey, new In("event"), new Dictionary<string, string> { ["source"] = "test" });
        var listed = await Eventually(() => h.Client.Events.ListAsync(new Events.ListEventsQuery { Keys = [eventKey] }), e => e.Count == 1 && e[0].Runs.Succeeded == 1);
        var evt = Assert.Single(listed);
        Assert.Equal(eventId, evt.Id);
        Assert.Equal("event", evt.Payload.GetProperty("who").GetString());
        Assert.Equal("test", evt.AdditionalMetadata.GetProperty("source").GetString());
        Assert.Single(evt.RunIds);
        Assert.Equal(eventId, (await h.Client.Events.GetAsync(eventId)).Id);
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

using System.Net;
using MageFlow.Hatchet.Crons;
using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// Cron triggers from the SDK: <see cref="CronsClient"/> over the engine's REST API, and <see cref="TaskOptions.OnCrons"/>
/// firing in the dev engine on a manual clock (no real waiting).
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class CronsClientTests(DevEngineFixture fixture)
{
    public sealed record Input(string Who);

    [Fact]
    public async Task CreateListDelete_RoundTripsThroughTheEngine()
    {
        await using var h = fixture.Harness();
        var task = h.Task<Input, Input>("cron-target", (input, _) => Task.FromResult(input));
        await h.StartWorkerAsync(slots: 1);
        var crons = h.Client.Crons;

        var created = await crons.CreateAsync(task.Name, new CreateCronRequest
        {
            Name = "nightly",
            Expression = "0 3 * * *",
            Input = new Input("cron"),
            AdditionalMetadata = new Dictionary<string, string> { ["team"] = "blue" },
            Priority = 3,
        });
        Assert.Equal(task.WorkflowName, created.WorkflowName);
        Assert.Equal("nightly", created.Name);
        Assert.Equal("0 3 * * *", created.Expression);
        Assert.Equal("cron", created.Input.GetProperty("who").GetString());
        Assert.Equal("blue", created.AdditionalMetadata.GetProperty("team").GetString());
        Assert.Equal(3, created.Priority);
        Assert.False(created.IsDeclared);

        var listed = await crons.ListAsync(new ListCronsQuery { WorkflowName = task.Name });
        Assert.Equal([created.Id], listed.Select(c => c.Id));
        Assert.Equal("nightly", (await crons.GetAsync(created.Id)).Name);
        Assert.Empty(await crons.ListAsync(new ListCronsQuery { WorkflowName = task.Name, CronName = "other" }));
        Assert.Empty(await crons.ListAsync(new ListCronsQuery { WorkflowName = task.Name, AdditionalMetadata = new Dictionary<string, string> { ["team"] = "red" } }));

        var duplicate = await Assert.ThrowsAsync<HatchetApiException>(() => crons.CreateAsync(task.Name, new CreateCronRequest { Name = "nightly", Expression = "0 3 * * *" }));
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);

        await crons.DeleteAsync(created.Id);
        Assert.Empty(await crons.ListAsync(new ListCronsQuery { WorkflowName = task.Name }));
        var gone = await Assert.ThrowsAsync<HatchetApiException>(() => crons.DeleteAsync(created.Id));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task OnCrons_DeclaredOnATask_ListedAsDeclaredAndRunWhenTheEngineClockReachesTheTime()
    {
        var clock = new ManualClock();
        var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { TimeProvider = clock });
        await using var h = new HatchetHarness(engine, ownsEngine: true);
        var options = new TaskOptions();
        options.OnCrons.Add("*/10 * * * * *");
        var fired = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ticking = h.Task<Input, Input>(
            "ticking",
            (input, ctx) =>
            {
                fired.TrySetResult(ctx.AdditionalMetadata["hatchet__cron_expression"].GetString()!);
                return Task.FromResult(input);
            },
            options);
        await h.StartWorkerAsync(slots: 2);

        var declared = Assert.Single(await h.Client.Crons.ListAsync(new ListCronsQuery { WorkflowName = ticking.Name }));
        Assert.True(declared.IsDeclared);
        Assert.Equal("*/10 * * * * *", declared.Expression);
        Assert.Equal(0, engine.Counters.RunsCreated);

        clock.Advance(TimeSpan.FromSeconds(10));
        engine.FireDueTimers();
        Assert.Equal(1, engine.Counters.RunsCreated);
        Assert.Equal("*/10 * * * * *", await fired.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}

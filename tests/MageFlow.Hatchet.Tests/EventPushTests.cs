using System.Collections.Concurrent;
using MageFlow.Hatchet.Events;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// Bulk event push, event priority and scope, and declared event filters (<see cref="DefaultEventFilter"/>) against the
/// dev engine. A push starts its runs before it returns, so the engine's run count tells at once what a push started.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class EventPushTests(DevEngineFixture fixture)
{
    public sealed record Order(string Id);

    public sealed record Seen(string Id, string? Team, int Priority, string? FilterWho);

    [Fact]
    public async Task BulkPushAsync_ThreeEvents_StartOneRunEachWithItsMetadataAndPriority()
    {
        await using var h = fixture.Harness();
        var key = Names.Unique("orders") + ":placed";
        var seen = new ConcurrentQueue<Seen>();
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        h.Task<Order, Order>(
            "bulk-listener",
            (input, ctx) =>
            {
                seen.Enqueue(new Seen(input.Id, ctx.AdditionalMetadata.TryGetValue("team", out var t) ? t.GetString() : null, ctx.Priority, null));
                return Task.FromResult(input);
            },
            options);
        await h.StartWorkerAsync(slots: 5);

        var before = h.Engine.Counters.RunsCreated;
        var ids = await h.Client.Events.BulkPushAsync(
        [
            new EventToPush(key, new Order("a")) { AdditionalMetadata = new Dictionary<string, string> { ["team"] = "red" }, Priority = 3 },
            new EventToPush(key, new Order("b")) { Priority = 1 },
            new EventToPush(key, new Order("c")) { AdditionalMetadata = new Dictionary<string, string> { ["team"] = "blue" } },
        ]).WaitAsync(Wait);

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(before + 3, h.Engine.Counters.RunsCreated);
        using var timeout = new CancellationTokenSource(Wait);
        while (seen.Count < 3)
        {
            await Task.Delay(10, timeout.Token);
        }

        Assert.Equal([new Seen("a", "red", 3, null), new Seen("b", null, 1, null), new Seen("c", "blue", 1, null)], seen.OrderBy(s => s.Id, StringComparer.Ordinal));
        var empty = await Assert.ThrowsAsync<HatchetRpcException>(() => h.Client.Events.BulkPushAsync([]));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, empty.StatusCode);
    }

    [Fact]
    public async Task PushAsync_WorkflowWithFilters_StartsOnlyForAScopeWhoseFilterHoldsAndPassesItsPayload()
    {
        await using var h = fixture.Harness();
        var key = Names.Unique("docs") + ":uploaded";
        var seen = new TaskCompletionSource<Seen>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        options.DefaultFilters.Add(new DefaultEventFilter("true", "tenant-a") { Payload = new { who = "a" } });
        options.DefaultFilters.Add(new DefaultEventFilter("false", "tenant-b"));
        h.Task<Order, Order>(
            "filtered-listener",
            (input, ctx) =>
            {
                seen.TrySetResult(new Seen(input.Id, null, ctx.Priority, ctx.FilterPayload.GetProperty("who").GetString()));
                return Task.FromResult(input);
            },
            options);
        await h.StartWorkerAsync(slots: 5);

        var before = h.Engine.Counters.RunsCreated;
        await h.Client.Events.PushAsync(key, new Order("no-scope"));
        await h.Client.Events.PushAsync(key, new Order("false-filter"), scope: "tenant-b");
        await h.Client.Events.PushAsync(key, new Order("no-filter-for-scope"), scope: "tenant-c");
        Assert.Equal(before, h.Engine.Counters.RunsCreated);

        await h.Client.Events.PushAsync(key, new Order("passes"), priority: 2, scope: "tenant-a");
        Assert.Equal(before + 1, h.Engine.Counters.RunsCreated);
        Assert.Equal(new Seen("passes", null, 2, "a"), await seen.Task.WaitAsync(Wait));
    }
}

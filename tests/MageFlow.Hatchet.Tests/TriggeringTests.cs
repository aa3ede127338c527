using System.Collections.Concurrent;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

[Collection(SdkCollection.Name)]
public sealed class TriggeringTests(DevEngineFixture fixture)
{
    public sealed record In(int N);

    public sealed record Out(int N);

    public sealed record UserCreated(string UserId);

    public sealed record Seen(string UserId, string? EventKey, string? Source);

    [Fact]
    public async Task RunNoWaitAsync_ThenResultAsync_ReturnsOutput()
    {
        await using var h = fixture.Harness();
        var task = h.Task<In, Out>("double", (input, _) => Task.FromResult(new Out(input.N * 2)));
        await h.StartWorkerAsync(slots: 5);

        var run = await task.RunNoWaitAsync(new In(21)).WaitAsync(Wait);
        Assert.False(string.IsNullOrEmpty(run.RunId));
        Assert.Equal(task.WorkflowName, run.WorkflowName);
        Assert.Equal(42, (await run.ResultAsync<Out>().WaitAsync(Wait)).N);

        // Another client can wait on the same run by id.
        await using var other = fixture.NewClient();
        var result = await other.Runs.Get(run.RunId).ResultAsync().WaitAsync(Wait);
        Assert.Equal(42, result.Get<Out>(task.TaskName).N);
    }

    [Fact]
    public async Task RunAsync_ByNameFromAnotherClient_ReturnsOutput()
    {
        await using var h = fixture.Harness();
        var name = Names.Unique("byname");
        h.Client.Task<In, Out>(name, (input, _) => Task.FromResult(new Out(input.N + 1)));
        await h.StartWorkerAsync(slots: 5);

        await using var caller = fixture.NewClient();
        Assert.Equal(2, (await caller.RunAsync<Out>(name.ToUpperInvariant(), new In(1)).WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task RunNoWaitAsync_UnknownWorkflow_ThrowsNotFound()
    {
        await using var h = fixture.Harness();
        var name = Names.Unique("nosuch");
        var e = await Assert.ThrowsAsync<HatchetRpcException>(() => h.Client.RunNoWaitAsync(name, new In(1)).WaitAsync(Wait));
        Assert.Equal(Grpc.Core.StatusCode.NotFound, e.StatusCode);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunNoWaitAsync_Priority4_ThrowsInvalidArgument()
    {
        await using var h = fixture.Harness();
        var task = h.Task<In, Out>("prio", (input, _) => Task.FromResult(new Out(input.N)));
        await h.StartWorkerAsync(slots: 5);

        var e = await Assert.ThrowsAsync<HatchetRpcException>(() => task.RunNoWaitAsync(new In(1), new RunOptions { Priority = 4 }).WaitAsync(Wait));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("priority", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RunManyAsync_2500Inputs_ChunkedBulkTriggersReturnOutputsInInputOrder()
    {
        await using var h = await HatchetHarness.OnOwnEngineAsync();
        var engine = h.Engine;
        var executions = new ConcurrentDictionary<string, int>();
        var task = h.Task<In, Out>(
            "many",
            (input, ctx) =>
            {
                executions.Increment(ctx.WorkflowRunId);
                return Task.FromResult(new Out(input.N * 3));
            });
        await h.StartWorkerAsync(slots: 100);

        var inputs = Enumerable.Range(0, 2500).Select(i => new In(i)).ToArray();
        var outputs = await task.RunManyAsync(inputs).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(inputs.Select(i => i.N * 3), outputs.Select(o => o.N));
        Assert.Equal(2500, engine.Counters.RunsCreated);
        Assert.Equal(2500, engine.Counters.TasksCompleted);
        Assert.Equal(2500, executions.Count);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
    }

    public sealed record Payload(int N, string Blob);

    [Fact]
    public async Task RunManyNoWaitAsync_SixMegabytesOfInputs_SplitBySizeUnderTheEnginesMessageLimit()
    {
        // 60 inputs of 100 KB: far under the 1,000 runs of a count split, but 6 MB in all, over the engine's default
        // 4 MiB gRPC message limit (the dev engine enforces the same limit).
        await using var h = await HatchetHarness.OnOwnEngineAsync();
        var task = h.Task<Payload, Out>("big", (input, _) => Task.FromResult(new Out(input.N + input.Blob.Length)));
        await h.StartWorkerAsync(slots: 20);
        var blob = new string('x', 100_000);

        var runs = await task.RunManyNoWaitAsync(Enumerable.Range(0, 60).Select(i => new Payload(i, blob))).WaitAsync(Wait);

        Assert.Equal(60, runs.Count);
        Assert.Equal(60, h.Engine.Counters.RunsCreated);
        Assert.Equal(100_059, (await runs[59].ResultAsync<Out>().WaitAsync(Wait)).N);
        Assert.Equal(100_000, (await runs[0].ResultAsync<Out>().WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task RunManyNoWaitAsync_2500Inputs_ReturnsDistinctRunsInInputOrder()
    {
        await using var h = await HatchetHarness.OnOwnEngineAsync();
        var engine = h.Engine;
        var task = h.Task<In, Out>("manyref", (input, _) => Task.FromResult(new Out(input.N)));
        await h.StartWorkerAsync(slots: 100);

        var runs = await task.RunManyNoWaitAsync(Enumerable.Range(0, 2500).Select(i => new In(i))).WaitAsync(Wait);
        Assert.Equal(2500, runs.Count);
        Assert.Equal(2500, runs.Select(r => r.RunId).Distinct().Count());
        Assert.Equal(2500, engine.Counters.RunsCreated);
        Assert.Equal(1234, (await runs[1234].ResultAsync<Out>().WaitAsync(Wait)).N);
        Assert.Equal(2499, (await runs[2499].ResultAsync<Out>().WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task ScheduleAsync_InTheFuture_RunsLaterWithTheInput()
    {
        await using var h = fixture.Harness();
        var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = h.Task<In, Out>(
            "sched",
            (input, _) =>
            {
                ran.TrySetResult(input.N);
                return Task.FromResult(new Out(input.N));
            });
        await h.StartWorkerAsync(slots: 5);

        var id = await task.ScheduleAsync(DateTimeOffset.UtcNow.AddSeconds(5), new In(77)).WaitAsync(Wait);
        Assert.False(string.IsNullOrEmpty(id));
        Assert.False(ran.Task.IsCompleted);
        Assert.Equal(77, await ran.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task PushAsync_EventKeyInOnEvents_TriggersTaskWithPayload()
    {
        await using var h = fixture.Harness();
        var seen = new TaskCompletionSource<Seen>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = Names.Unique("user") + ":created";
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        h.Task<UserCreated, Out>(
            "onevent",
            (input, ctx) =>
            {
                seen.TrySetResult(new Seen(input.UserId, ctx.TriggeringEventKey, ctx.AdditionalMetadata.TryGetValue("source", out var s) ? s.GetString() : null));
                return Task.FromResult(new Out(1));
            },
            options);
        await h.StartWorkerAsync(slots: 5);

        var eventId = await h.Client.Events.PushAsync(key, new UserCreated("u-42"), new Dictionary<string, string> { ["source"] = "signup" }).WaitAsync(Wait);
        Assert.False(string.IsNullOrEmpty(eventId));
        var s = await seen.Task.WaitAsync(Wait);
        Assert.Equal("u-42", s.UserId);
        Assert.Equal(key, s.EventKey);
        Assert.Equal("signup", s.Source);
    }

    [Fact]
    public async Task PushAsync_NamespacedClient_TriggersNamespacedTask()
    {
        await using var h = fixture.Harness(o => o.Namespace = "Team" + Guid.NewGuid().ToString("N")[..6]);
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = Names.Unique("order") + ":paid";
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        var task = h.Task<UserCreated, Out>(
            "nsevent",
            (_, ctx) =>
            {
                seen.TrySetResult(ctx.TriggeringEventKey);
                return Task.FromResult(new Out(1));
            },
            options);
        Assert.StartsWith(h.Client.Namespace, task.WorkflowName, StringComparison.Ordinal);
        await h.StartWorkerAsync(slots: 5);

        await h.Client.Events.PushAsync(key, new UserCreated("u-1")).WaitAsync(Wait);
        Assert.Equal(h.Client.Namespace + key, await seen.Task.WaitAsync(Wait));
    }
}

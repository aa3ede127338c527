using System.Collections.Concurrent;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

[Collection(SdkCollection.Name)]
public sealed class TriggeringTests(SdkFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    public sealed record In(int N);

    public sealed record Out(int N);

    public sealed record UserCreated(string UserId);

    public sealed record Seen(string UserId, string? EventKey, string? Source);

    [Fact]
    public async Task RunNoWaitAsync_ThenResultAsync_ReturnsOutput()
    {
        await using var client = fixture.NewClient();
        var task = client.Task<In, Out>(SdkFixture.Unique("double"), (input, _) => Task.FromResult(new Out(input.N * 2)));
        await using var worker = client.Worker(SdkFixture.Unique("w"), 5);
        await worker.StartAsync().WaitAsync(Wait);

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
        await using var client = fixture.NewClient();
        var name = SdkFixture.Unique("byname");
        client.Task<In, Out>(name, (input, _) => Task.FromResult(new Out(input.N + 1)));
        await using var worker = client.Worker(SdkFixture.Unique("w"), 5);
        await worker.StartAsync().WaitAsync(Wait);

        await using var caller = fixture.NewClient();
        Assert.Equal(2, (await caller.RunAsync<Out>(name.ToUpperInvariant(), new In(1)).WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task RunNoWaitAsync_UnknownWorkflow_ThrowsNotFound()
    {
        await using var client = fixture.NewClient();
        var name = SdkFixture.Unique("nosuch");
        var e = await Assert.ThrowsAsync<HatchetRpcException>(() => client.RunNoWaitAsync(name, new In(1)).WaitAsync(Wait));
        Assert.Equal(Grpc.Core.StatusCode.NotFound, e.StatusCode);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunNoWaitAsync_Priority4_ThrowsInvalidArgument()
    {
        await using var client = fixture.NewClient();
        var task = client.Task<In, Out>(SdkFixture.Unique("prio"), (input, _) => Task.FromResult(new Out(input.N)));
        await using var worker = client.Worker(SdkFixture.Unique("w"), 5);
        await worker.StartAsync().WaitAsync(Wait);

        var e = await Assert.ThrowsAsync<HatchetRpcException>(() => task.RunNoWaitAsync(new In(1), new RunOptions { Priority = 4 }).WaitAsync(Wait));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("priority", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RunManyAsync_2500Inputs_ChunkedBulkTriggersReturnOutputsInInputOrder()
    {
        await using var engine = await HatchetDevEngine.StartAsync();
        await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
        var executions = new ConcurrentDictionary<string, int>();
        var task = client.Task<In, Out>(
            SdkFixture.Unique("many"),
            (input, ctx) =>
            {
                executions.AddOrUpdate(ctx.WorkflowRunId, 1, (_, n) => n + 1);
                return Task.FromResult(new Out(input.N * 3));
            });
        await using var worker = client.Worker(SdkFixture.Unique("w"), 100);
        await worker.StartAsync().WaitAsync(Wait);

        var inputs = Enumerable.Range(0, 2500).Select(i => new In(i)).ToArray();
        var outputs = await task.RunManyAsync(inputs).WaitAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(inputs.Select(i => i.N * 3), outputs.Select(o => o.N));
        Assert.Equal(2500, engine.Counters.RunsCreated);
        Assert.Equal(2500, engine.Counters.TasksCompleted);
        Assert.Equal(2500, executions.Count);
        Assert.All(executions.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task RunManyNoWaitAsync_2500Inputs_ReturnsDistinctRunsInInputOrder()
    {
        await using var engine = await HatchetDevEngine.StartAsync();
        await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
        var task = client.Task<In, Out>(SdkFixture.Unique("manyref"), (input, _) => Task.FromResult(new Out(input.N)));
        await using var worker = client.Worker(SdkFixture.Unique("w"), 100);
        await worker.StartAsync().WaitAsync(Wait);

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
        await using var client = fixture.NewClient();
        var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = client.Task<In, Out>(
            SdkFixture.Unique("sched"),
            (input, _) =>
            {
                ran.TrySetResult(input.N);
                return Task.FromResult(new Out(input.N));
            });
        await using var worker = client.Worker(SdkFixture.Unique("w"), 5);
        await worker.StartAsync().WaitAsync(Wait);

        var id = await task.ScheduleAsync(DateTimeOffset.UtcNow.AddSeconds(5), new In(77)).WaitAsync(Wait);
        Assert.False(string.IsNullOrEmpty(id));
        Assert.False(ran.Task.IsCompleted);
        Assert.Equal(77, await ran.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task PushAsync_EventKeyInOnEvents_TriggersTaskWithPayload()
    {
        await using var client = fixture.NewClient();
        var seen = new TaskCompletionSource<Seen>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = SdkFixture.Unique("user") + ":created";
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        client.Task<UserCreated, Out>(
            SdkFixture.Unique("onevent"),
            (input, ctx) =>
            {
                seen.TrySetResult(new Seen(input.UserId, ctx.TriggeringEventKey, ctx.AdditionalMetadata.TryGetValue("source", out var s) ? s.GetString() : null));
                return Task.FromResult(new Out(1));
            },
            options);
        await using var worker = client.Worker(SdkFixture.Unique("w"), 5);
        await worker.StartAsync().WaitAsync(Wait);

        var eventId = await client.Events.PushAsync(key, new UserCreated("u-42"), new Dictionary<string, string> { ["source"] = "signup" }).WaitAsync(Wait);
        Assert.False(string.IsNullOrEmpty(eventId));
        var s = await seen.Task.WaitAsync(Wait);
        Assert.Equal("u-42", s.UserId);
        Assert.Equal(key, s.EventKey);
        Assert.Equal("signup", s.Source);
    }

    [Fact]
    public async Task PushAsync_NamespacedClient_TriggersNamespacedTask()
    {
        await using var client = fixture.NewClient(o => o.Namespace = "Team" + Guid.NewGuid().ToString("N")[..6]);
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = SdkFixture.Unique("order") + ":paid";
        var options = new TaskOptions();
        options.OnEvents.Add(key);
        var task = client.Task<UserCreated, Out>(
            SdkFixture.Unique("nsevent"),
            (_, ctx) =>
            {
                seen.TrySetResult(ctx.TriggeringEventKey);
                return Task.FromResult(new Out(1));
            },
            options);
        Assert.StartsWith(client.Namespace, task.WorkflowName, StringComparison.Ordinal);
        await using var worker = client.Worker(SdkFixture.Unique("w"), 5);
        await worker.StartAsync().WaitAsync(Wait);

        await client.Events.PushAsync(key, new UserCreated("u-1")).WaitAsync(Wait);
        Assert.Equal(client.Namespace + key, await seen.Task.WaitAsync(Wait));
    }
}

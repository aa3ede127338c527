using System.Text;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Runs;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// Streaming from tasks (<see cref="TaskContext.PutStreamAsync(string, CancellationToken)"/>) and following a run's events
/// (<see cref="RunsClient.SubscribeAsync"/>, <see cref="RunsClient.SubscribeToStreamAsync"/>). The engine keeps no chunk for
/// later subscribers, so each test holds its task until the engine has accepted the subscription.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class StreamingTests(DevEngineFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public sealed record Input(int Count);

    public sealed record Output(int Sent);

    [Fact]
    public async Task SubscribeToStreamAsync_TaskStreamingTextAndBytesWithoutAwaiting_YieldsEveryChunkInCallOrderThenEnds()
    {
        await using var h = fixture.Harness();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var streamer = h.Task<Input, Output>("streamer", async (input, ctx) =>
        {
            await release.Task.WaitAsync(ctx.CancellationToken);

            // The calls overlap on the wire; the chunk index each one takes keeps their order for subscribers.
            var sends = new List<Task>();
            for (var i = 0; i < input.Count; i++)
            {
                sends.Add(ctx.PutStreamAsync($"chunk {i};"));
            }

            sends.Add(ctx.PutStreamAsync(Encoding.UTF8.GetBytes("bytes ü")));
            await Task.WhenAll(sends);
            return new Output(sends.Count);
        });
        await h.StartWorkerAsync(slots: 5);

        var run = await streamer.RunNoWaitAsync(new Input(40));
        var opened = h.Engine.Counters.EventStreamsOpened;
        var reading = CollectAsync(h.Client.Runs.SubscribeToStreamAsync(run.RunId));
        await UntilAsync(() => h.Engine.Counters.EventStreamsOpened > opened);
        release.SetResult();

        var chunks = await reading.WaitAsync(Wait);
        var expected = Enumerable.Range(0, 40).Select(i => $"chunk {i};").Append("bytes ü").ToList();
        Assert.Equal(expected, chunks);
    }

    [Fact]
    public async Task SubscribeAsync_TaskFailingOnceThenSucceeding_YieldsEachAttemptsEndThenTheRunsEndLast()
    {
        await using var h = fixture.Harness();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flaky = h.Task<Input, Output>(
            "flaky-stream",
            async (input, ctx) =>
            {
                await release.Task.WaitAsync(ctx.CancellationToken);
                if (ctx.RetryCount == 0)
                {
                    throw new InvalidOperationException("first attempt breaks");
                }

                await ctx.PutStreamAsync("second attempt");
                return new Output(input.Count);
            },
            new TaskOptions { Retries = 1 });
        await h.StartWorkerAsync(slots: 5);

        var run = await flaky.RunNoWaitAsync(new Input(7));
        var opened = h.Engine.Counters.EventStreamsOpened;
        var reading = CollectAsync(h.Client.Runs.SubscribeAsync(run.RunId));
        await UntilAsync(() => h.Engine.Counters.EventStreamsOpened > opened);
        release.SetResult();

        var events = await reading.WaitAsync(Wait);
        Assert.Equal(
            [RunStreamEventKind.TaskFailed, RunStreamEventKind.TaskStream, RunStreamEventKind.TaskCompleted, RunStreamEventKind.RunCompleted],
            events.Select(e => e.Kind));
        var (failed, chunk, completed, end) = (events[0], events[1], events[2], events[3]);
        Assert.Contains("first attempt breaks", failed.Payload, StringComparison.Ordinal);
        Assert.Equal(0, failed.RetryCount);
        Assert.Equal("second attempt", chunk.Payload);
        Assert.Equal(0, chunk.EventIndex);
        Assert.Equal(1, completed.RetryCount);
        Assert.Contains("\"sent\":7", completed.Payload.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.All(events, e => Assert.Equal(run.RunId, e.RunId));
        Assert.Equal(failed.ResourceId, completed.ResourceId);
        Assert.Equal(run.RunId, end.ResourceId);
        Assert.Equal([false, false, false, true], events.Select(e => e.IsLast));
    }

    [Fact]
    public async Task SubscribeAsync_FinishedRun_YieldsNothing()
    {
        await using var h = fixture.Harness();
        var quick = h.Task<Input, Output>("quick-stream", (input, _) => Task.FromResult(new Output(input.Count)));
        await h.StartWorkerAsync(slots: 5);
        var run = await quick.RunNoWaitAsync(new Input(1));
        await run.ResultAsync().WaitAsync(Wait);

        Assert.Empty(await CollectAsync(h.Client.Runs.SubscribeAsync(run.RunId)).WaitAsync(Wait));
    }

    [Fact]
    public async Task SubscribeAsync_UnknownRun_ThrowsNotFound()
    {
        await using var h = fixture.Harness();
        var e = await Assert.ThrowsAsync<HatchetRpcException>(() => CollectAsync(h.Client.Runs.SubscribeToStreamAsync(Guid.NewGuid().ToString())).WaitAsync(Wait));
        Assert.Equal(Grpc.Core.StatusCode.NotFound, e.StatusCode);
    }

    private static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

using System.Collections.Concurrent;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

/// <summary>Faults injected into a private engine: dropped listen streams, an unreachable engine, timeouts.</summary>
public sealed class FaultTests
{
    public sealed record In(int N);

    public sealed record Out(int N);

    [Fact]
    public async Task DropListenStreams_MidRun_WorkerReconnectsAndEveryRunCompletesExactlyOnce()
    {
        await using var h = await HatchetHarness.OnOwnEngineAsync();
        var engine = h.Engine;
        const int Blocked = 5;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executions = new ConcurrentDictionary<string, int>();
        var blockedStarts = 0;
        var task = h.Task<In, Out>(
            "drop",
            async (input, ctx) =>
            {
                executions.Increment(ctx.WorkflowRunId);
                if (input.N < Blocked)
                {
                    if (Interlocked.Increment(ref blockedStarts) == Blocked)
                    {
                        allStarted.TrySetResult();
                    }

                    await gate.Task.WaitAsync(ctx.CancellationToken);
                }

                return new Out(input.N);
            });
        await h.StartWorkerAsync(slots: 20);

        var blocked = new List<WorkflowRunRef>();
        for (var i = 0; i < Blocked; i++)
        {
            blocked.Add(await task.RunNoWaitAsync(new In(i)).WaitAsync(Wait));
        }

        await allStarted.Task.WaitAsync(Wait);
        Assert.Equal(1, engine.DropListenStreams());

        // Triggered while the stream is down: the engine holds them until the worker is back.
        var afterDrop = new List<WorkflowRunRef>();
        for (var i = Blocked; i < Blocked + 5; i++)
        {
            afterDrop.Add(await task.RunNoWaitAsync(new In(i)).WaitAsync(Wait));
        }

        var outputs = await Task.WhenAll(afterDrop.Select(r => r.ResultAsync<Out>())).WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(Blocked, 5), outputs.Select(o => o.N));

        gate.TrySetResult();
        outputs = await Task.WhenAll(blocked.Select(r => r.ResultAsync<Out>())).WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(0, Blocked), outputs.Select(o => o.N));

        Assert.Equal(Blocked + 5, executions.Count);
        Assert.All(executions, e => Assert.Equal(1, e.Value));
        Assert.Equal(Blocked + 5, engine.Counters.RunsCreated);
        Assert.Equal(Blocked + 5, engine.Counters.TasksCompleted);
        Assert.Equal(0, engine.Counters.TasksFailed);
        Assert.Equal(0, engine.Counters.StaleEvents);
    }

    [Fact]
    public async Task SuspendAsync_EngineUnreachableFor10s_WorkerKeepsRetryingAndServesAfterResume()
    {
        await using var h = await HatchetHarness.OnOwnEngineAsync();
        var engine = h.Engine;
        var executions = new ConcurrentDictionary<string, int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = h.Task<In, Out>(
            "outage",
            async (input, ctx) =>
            {
                executions.Increment(ctx.WorkflowRunId);
                if (input.N < 0)
                {
                    started.TrySetResult();
                    await gate.Task.WaitAsync(ctx.CancellationToken);
                }

                return new Out(input.N * 2);
            });
        await h.StartWorkerAsync(slots: 5);
        Assert.Equal(2, (await task.RunAsync(new In(1)).WaitAsync(Wait)).N);

        // A run in flight across the outage: its worker lapses in the engine meanwhile.
        var inFlight = await task.RunNoWaitAsync(new In(-5)).WaitAsync(Wait);
        await started.Task.WaitAsync(Wait);

        await engine.SuspendAsync().WaitAsync(Wait);

        // The fault itself: the engine stays unreachable for 10 s while the worker keeps trying.
        await Task.Delay(TimeSpan.FromSeconds(10));
        await engine.ResumeAsync().WaitAsync(Wait);

        Assert.Equal(42, (await task.RunAsync(new In(21)).WaitAsync(Wait)).N);

        gate.TrySetResult();
        Assert.Equal(-10, (await inFlight.ResultAsync<Out>().WaitAsync(Wait)).N);
        Assert.Equal(3, executions.Count);
        Assert.All(executions, e => Assert.Equal(1, e.Value));
        Assert.Equal(3, engine.Counters.TasksCompleted);
        Assert.Equal(0, engine.Counters.TasksFailed);
    }

    [Fact]
    public async Task RunAsync_HandlerExceedsExecutionTimeout_TokenCancelledAndRunFailed()
    {
        await using var h = await HatchetHarness.OnOwnEngineAsync();
        var engine = h.Engine;
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = 0;
        var slow = h.Task<In, Out>(
            "timeout",
            async (input, ctx) =>
            {
                Interlocked.Increment(ref attempts);
                if (input.N == 0)
                {
                    return new Out(0);
                }

                using var registration = ctx.CancellationToken.Register(() => cancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
                return new Out(input.N);
            },
            new TaskOptions { ExecutionTimeout = TimeSpan.FromSeconds(1) });
        await h.StartWorkerAsync(slots: 5);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => slow.RunAsync(new In(1)).WaitAsync(Wait));
        Assert.Contains("Task exceeded its execution timeout of 1s", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsCancelled);
        await cancelled.Task.WaitAsync(Wait);
        Assert.Equal(1, engine.Counters.TasksFailed);

        // The worker is not stuck on the cancelled attempt.
        Assert.Equal(0, (await slow.RunAsync(new In(0)).WaitAsync(Wait)).N);
        Assert.Equal(2, Volatile.Read(ref attempts));
    }
}

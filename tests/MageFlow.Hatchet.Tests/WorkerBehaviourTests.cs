using System.Collections.Concurrent;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

[Collection(SdkCollection.Name)]
public sealed class WorkerBehaviourTests(DevEngineFixture fixture)
{
    public sealed record In(int N);

    public sealed record Out(int N);

    public sealed record HoldIn(bool Hold);

    public sealed class Node
    {
        public Node? Next { get; set; }
    }

    public sealed record WithType(Type Type);

    [Fact]
    public async Task RunAsync_NonRetryableException_FailsWithoutRetries()
    {
        await using var h = fixture.Harness();
        var attempts = 0;
        var task = h.Task<In, Out>(
            "nonretry",
            (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new NonRetryableException("give up at once");
            },
            new TaskOptions { Retries = 3 });
        await h.StartWorkerAsync(slots: 5);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => task.RunAsync(new In(1)).WaitAsync(Wait));
        Assert.Contains("NonRetryableException: give up at once", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsCancelled);
        Assert.Equal(1, Volatile.Read(ref attempts));
    }

    [Fact]
    public async Task RunAsync_FailsTwiceThenSucceeds_ReturnsOutputOfThirdAttempt()
    {
        await using var h = fixture.Harness();
        var attempts = new ConcurrentQueue<int>();
        var task = h.Task<In, Out>(
            "flaky",
            (input, ctx) =>
            {
                attempts.Enqueue(ctx.RetryCount);
                return ctx.RetryCount < 2 ? throw new InvalidOperationException($"attempt {ctx.RetryCount} failed") : Task.FromResult(new Out(input.N + ctx.RetryCount));
            },
            new TaskOptions { Retries = 3 });
        await h.StartWorkerAsync(slots: 5);

        var output = await task.RunAsync(new In(40)).WaitAsync(Wait);
        Assert.Equal(42, output.N);
        Assert.Equal([0, 1, 2], attempts.ToArray());
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_RunFailsWithMessageAndSameWorkerKeepsServing()
    {
        await using var h = fixture.Harness();
        var gate = NewGate();
        var started = NewGate();
        var servedBy = new ConcurrentBag<string>();
        var good = h.Task<HoldIn, Out>(
            "good",
            async (input, ctx) =>
            {
                servedBy.Add(ctx.WorkerId);
                if (input.Hold)
                {
                    started.TrySetResult();
                    await gate.Task.WaitAsync(ctx.CancellationToken);
                }

                return new Out(7);
            });
        var bad = h.Task<In, Out>(
            "bad",
            (_, ctx) =>
            {
                servedBy.Add(ctx.WorkerId);
                throw new InvalidOperationException("the handler broke: disk on fire");
            });
        var worker = await h.StartWorkerAsync(slots: 5);

        var inFlight = await good.RunNoWaitAsync(new HoldIn(true)).WaitAsync(Wait);
        await started.Task.WaitAsync(Wait);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => bad.RunAsync(new In(1)).WaitAsync(Wait));
        Assert.Contains("InvalidOperationException: the handler broke: disk on fire", e.Message, StringComparison.Ordinal);
        Assert.Contains(bad.TaskName, e.Errors.Keys);

        gate.TrySetResult();
        Assert.Equal(7, (await inFlight.ResultAsync<Out>().WaitAsync(Wait)).N);
        Assert.Equal(7, (await good.RunAsync(new HoldIn(false)).WaitAsync(Wait)).N);
        Assert.All(servedBy, id => Assert.Equal(worker.WorkerId, id));
        Assert.Equal(3, servedBy.Count);
    }

    [Fact]
    public async Task RunAsync_OutputWithCycle_FailsClearlyWithoutRetriesAndWorkerKeepsServing()
    {
        await using var h = fixture.Harness();
        var attempts = 0;
        var cyclic = h.Task<In, Node>(
            "cycle",
            (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                var node = new Node();
                node.Next = node;
                return Task.FromResult(node);
            },
            new TaskOptions { Retries = 2 });
        var ok = h.Task<In, Out>("ok", (input, _) => Task.FromResult(new Out(input.N)));
        await h.StartWorkerAsync(slots: 5);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => cyclic.RunAsync(new In(1)).WaitAsync(Wait));
        Assert.Contains($"the output of task '{cyclic.TaskName}' (Node) could not be serialized to JSON", e.Message, StringComparison.Ordinal);
        Assert.Contains("cycle", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.Equal(5, (await ok.RunAsync(new In(5)).WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task RunAsync_OutputTypeJsonCannotSerialize_FailsClearlyAndWorkerKeepsServing()
    {
        await using var h = fixture.Harness();
        var unsupported = h.Task<In, WithType>("typeout", (_, _) => Task.FromResult(new WithType(typeof(string))), new TaskOptions { Retries = 2 });
        var ok = h.Task<In, Out>("ok", (input, _) => Task.FromResult(new Out(input.N)));
        await h.StartWorkerAsync(slots: 5);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => unsupported.RunAsync(new In(1)).WaitAsync(Wait));
        Assert.Contains($"the output of task '{unsupported.TaskName}' (WithType) could not be serialized to JSON", e.Message, StringComparison.Ordinal);
        Assert.Contains("System.Type", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await ok.RunAsync(new In(3)).WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task RunNoWaitAsync_MalformedInput_FailsClearlyWithoutRetries()
    {
        await using var h = await HatchetHarness.OnOwnEngineAsync();
        var engine = h.Engine;
        var calls = 0;
        var name = Names.Unique("typed");
        var typed = h.Client.Task<In, Out>(
            name,
            (input, _) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(new Out(input.N));
            },
            new TaskOptions { Retries = 3 });
        await h.StartWorkerAsync(slots: 5);

        var run = await h.Client.RunNoWaitAsync(name, new { n = "abc" }).WaitAsync(Wait);
        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => run.ResultAsync<Out>().WaitAsync(Wait));
        Assert.Contains($"the input of task '{typed.TaskName}' could not be read as In", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref calls));
        Assert.Equal(1, engine.Counters.TasksAssigned);
        Assert.Equal(1, engine.Counters.TasksFailed);

        // The worker is fine: a well-formed run of the same task completes.
        Assert.Equal(9, (await h.Client.RunAsync<Out>(name, new { n = 9 }).WaitAsync(Wait)).N);
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task RunAsync_ExecutionTimeout_HandlerSeesCancellationAndRunFailsWithTimeoutMessage()
    {
        await using var h = fixture.Harness();
        var observed = NewGate();
        var slow = h.Task<In, Out>(
            "slow",
            async (_, ctx) =>
            {
                await Handlers.UntilCancelledAsync(ctx.CancellationToken, observed);
                return new Out(0);
            },
            new TaskOptions { ExecutionTimeout = TimeSpan.FromSeconds(1) });
        await h.StartWorkerAsync(slots: 5);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => slow.RunAsync(new In(1)).WaitAsync(Wait));
        Assert.Contains("Task exceeded its execution timeout of 1s", e.Message, StringComparison.Ordinal);
        await observed.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task CancelAsync_RunningTask_CancelsHandlerTokenAndRunEndsCancelled()
    {
        await using var h = fixture.Harness();
        var started = NewGate();
        var observed = NewGate();
        var waiting = h.Task<In, Out>(
            "cancelme",
            async (_, ctx) =>
            {
                started.TrySetResult();
                await Handlers.UntilCancelledAsync(ctx.CancellationToken, observed);
                return new Out(0);
            });
        await h.StartWorkerAsync(slots: 5);

        var run = await waiting.RunNoWaitAsync(new In(1)).WaitAsync(Wait);
        await started.Task.WaitAsync(Wait);
        var cancelled = await h.Client.Runs.CancelAsync([run.RunId]).WaitAsync(Wait);
        Assert.Single(cancelled);

        await observed.Task.WaitAsync(Wait);
        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => run.ResultAsync().WaitAsync(Wait));
        Assert.True(e.IsCancelled, e.Message);
    }

    [Fact]
    public async Task LogAsync_Lines_AppearInEngineTaskLogs()
    {
        await using var h = fixture.Harness();
        var taskRunId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var logging = h.Task<In, Out>(
            "logs",
            async (input, ctx) =>
            {
                taskRunId.TrySetResult(ctx.TaskRunExternalId);
                await ctx.LogAsync($"processing {input.N}", cancellationToken: ctx.CancellationToken);
                await ctx.LogAsync("almost done", "WARN", ctx.CancellationToken);
                return new Out(input.N);
            });
        await h.StartWorkerAsync(slots: 5);

        await logging.RunAsync(new In(12)).WaitAsync(Wait);
        var logs = fixture.Engine.GetTaskLogs(await taskRunId.Task.WaitAsync(Wait));
        Assert.Collection(
            logs,
            l =>
            {
                Assert.Equal("processing 12", l.Message);
                Assert.Equal("INFO", l.Level);
            },
            l =>
            {
                Assert.Equal("almost done", l.Message);
                Assert.Equal("WARN", l.Level);
            });
    }

    [Fact]
    public async Task RefreshTimeoutAsync_ExtendsAttemptPastItsOriginalTimeout()
    {
        await using var h = fixture.Harness();
        var refreshed = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        var extendedToken = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = NewGate();
        var extendedWasCancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var extended = h.Task<In, Out>(
            "extended",
            async (input, ctx) =>
            {
                extendedToken.TrySetResult(ctx.CancellationToken);
                refreshed.TrySetResult(await ctx.RefreshTimeoutAsync(TimeSpan.FromSeconds(60), ctx.CancellationToken));
                await release.Task.WaitAsync(ctx.CancellationToken);
                return new Out(input.N);
            },
            new TaskOptions { ExecutionTimeout = TimeSpan.FromSeconds(1) });

        // Started after the refresh with the same 1 s timeout, so its deadline is later than the extended task's
        // original one: when it times out, the extended task would have timed out already without the refresh.
        var probe = h.Task<In, Out>(
            "probe",
            async (_, ctx) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    var token = await extendedToken.Task;
                    extendedWasCancelled.TrySetResult(token.IsCancellationRequested);
                    throw;
                }

                return new Out(0);
            },
            new TaskOptions { ExecutionTimeout = TimeSpan.FromSeconds(1) });
        await h.StartWorkerAsync(slots: 5);

        var run = await extended.RunNoWaitAsync(new In(3)).WaitAsync(Wait);
        var deadline = await refreshed.Task.WaitAsync(Wait);
        Assert.True(deadline > DateTimeOffset.UtcNow, $"deadline {deadline:O} is not in the future");

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => probe.RunAsync(new In(0)).WaitAsync(Wait));
        Assert.Contains("execution timeout of 1s", e.Message, StringComparison.Ordinal);
        Assert.False(await extendedWasCancelled.Task.WaitAsync(Wait));

        release.TrySetResult();
        Assert.Equal(3, (await run.ResultAsync<Out>().WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task ReleaseSlotAsync_OneSlotWorker_StartsAnotherRunWhileFirstRuns()
    {
        await using var h = fixture.Harness();
        var released = NewGate();
        var gate = NewGate();
        var task = h.Task<HoldIn, Out>(
            "release",
            async (input, ctx) =>
            {
                if (!input.Hold)
                {
                    return new Out(2);
                }

                await ctx.ReleaseSlotAsync(ctx.CancellationToken);
                released.TrySetResult();
                await gate.Task.WaitAsync(ctx.CancellationToken);
                return new Out(1);
            });
        await h.StartWorkerAsync(slots: 1);

        var first = await task.RunNoWaitAsync(new HoldIn(true)).WaitAsync(Wait);
        var firstResult = first.ResultAsync<Out>();
        await released.Task.WaitAsync(Wait);

        Assert.Equal(2, (await task.RunAsync(new HoldIn(false)).WaitAsync(Wait)).N);
        Assert.False(firstResult.IsCompleted);

        gate.TrySetResult();
        Assert.Equal(1, (await firstResult.WaitAsync(Wait)).N);
    }

    [Fact]
    public async Task WorkflowRunAsync_Dag_PassesParentOutputsAndRunsOnSuccessLast()
    {
        await using var h = fixture.Harness();
        var order = new ConcurrentQueue<string>();
        var wf = h.Workflow<In>("dag")
            .Task("first", (input, _) => Record(order, "first", new Out(input.N + 1)))
            .Task("second", (_, ctx) => Record(order, "second", new Out(ctx.ParentOutput<Out>("first").N * 2)), null, "first")
            .Task("third", (_, ctx) => Record(order, "third", new Out(ctx.ParentOutput<Out>("first").N * 10)), null, "first")
            .Task("fourth", (_, ctx) => Record(order, "fourth", new Out(ctx.ParentOutput<Out>("second").N + ctx.ParentOutput<Out>("first").N)), null, "first", "second")
            .OnSuccess("done", (_, ctx) => Record(order, "done", new Out(ctx.ParentOutput<Out>("third").N + ctx.ParentOutput<Out>("fourth").N)));
        await h.StartWorkerAsync(slots: 10);

        var result = await wf.RunAsync(new In(4)).WaitAsync(Wait);
        Assert.Equal(5, result.Get<Out>("first").N);
        Assert.Equal(10, result.Get<Out>("second").N);
        Assert.Equal(50, result.Get<Out>("third").N);
        Assert.Equal(15, result.Get<Out>("fourth").N);
        Assert.Equal(65, result.Get<Out>("done").N);
        var ran = order.ToArray();
        Assert.Equal(5, ran.Length);
        Assert.Equal("first", ran[0]);
        Assert.Equal("done", ran[^1]);
        Assert.True(Array.IndexOf(ran, "second") < Array.IndexOf(ran, "fourth"));
    }

    [Fact]
    public async Task WorkflowRunAsync_TaskFails_OnFailureSeesTaskErrorsAndDownstreamDoesNotRun()
    {
        await using var h = fixture.Harness();
        var errors = new TaskCompletionSource<IReadOnlyDictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var downstream = 0;
        var wf = h.Workflow<In>("dagfail")
            .Task("ok", (input, _) => Task.FromResult(new Out(input.N)))
            .Task<Out>("boom", (_, _) => throw new NonRetryableException("dag exploded"), null, "ok")
            .Task("after", (_, _) =>
            {
                Interlocked.Increment(ref downstream);
                return Task.FromResult(new Out(0));
            }, null, "boom")
            .OnFailure("cleanup", (_, ctx) =>
            {
                errors.TrySetResult(ctx.TaskErrors);
                return Task.FromResult(new Out(-1));
            });
        await h.StartWorkerAsync(slots: 10);

        var e = await Assert.ThrowsAsync<TaskRunFailedException>(() => wf.RunAsync(new In(1)).WaitAsync(Wait));
        Assert.Contains("boom", e.Errors.Keys);
        Assert.Contains("dag exploded", e.Errors["boom"], StringComparison.Ordinal);

        var seen = await errors.Task.WaitAsync(Wait);
        Assert.Contains("boom", seen.Keys);
        Assert.Contains("dag exploded", seen["boom"], StringComparison.Ordinal);
        Assert.DoesNotContain("ok", seen.Keys);
        Assert.Equal(0, Volatile.Read(ref downstream));
    }

    public sealed record ChildIn(int K);

    public sealed record ChildOut(int V);

    public sealed record ChildSeen(string RunId, int? Index, string? Tenant, string? Color, string? ParentRunId);

    [Fact]
    public async Task RunNoWaitAsync_ChildrenFromRetriedParent_InheritMetadataIncreasingIndexesAndDedupe()
    {
        await using var h = fixture.Harness();
        var seen = new ConcurrentQueue<ChildSeen>();
        var childRuns = new ConcurrentDictionary<string, int>();
        var spawned = new ConcurrentDictionary<int, string[]>();
        var child = h.Task<ChildIn, ChildOut>(
            "child",
            (input, ctx) =>
            {
                childRuns.Increment(ctx.WorkflowRunId);
                seen.Enqueue(new ChildSeen(
                    ctx.WorkflowRunId,
                    ctx.Action.HasChildWorkflowIndex ? ctx.Action.ChildWorkflowIndex : null,
                    Meta(ctx, "tenant"),
                    Meta(ctx, "color"),
                    Meta(ctx, "hatchet__parent_workflow_run_id")));
                return Task.FromResult(new ChildOut(input.K * 100));
            });
        var parent = h.Task<In, Out>(
            "parent",
            async (_, ctx) =>
            {
                var options = new RunOptions();
                options.AdditionalMetadata["color"] = "blue";
                var refs = new List<WorkflowRunRef>();
                for (var k = 1; k <= 3; k++)
                {
                    refs.Add(await child.RunNoWaitAsync(new ChildIn(k), options, ctx.CancellationToken));
                }

                spawned[ctx.RetryCount] = refs.Select(r => r.RunId).ToArray();
                var outputs = await Task.WhenAll(refs.Select(r => r.ResultAsync<ChildOut>(ctx.CancellationToken)));
                if (ctx.RetryCount == 0)
                {
                    throw new InvalidOperationException("fail once after spawning");
                }

                return new Out(outputs.Sum(o => o.V));
            },
            new TaskOptions { Retries = 1 });
        await h.StartWorkerAsync(slots: 10);

        var runOptions = new RunOptions();
        runOptions.AdditionalMetadata["tenant"] = "acme";
        runOptions.AdditionalMetadata["color"] = "red";
        var run = await parent.RunNoWaitAsync(new In(0), runOptions).WaitAsync(Wait);
        Assert.Equal(600, (await run.ResultAsync<Out>().WaitAsync(Wait)).N);

        Assert.Equal(3, spawned[0].Distinct().Count());
        Assert.Equal(spawned[0], spawned[1]);
        Assert.Equal(3, childRuns.Count);
        Assert.All(childRuns.Values, n => Assert.Equal(1, n));
        var byRun = seen.ToDictionary(s => s.RunId);
        Assert.Equal([0, 1, 2], spawned[0].Select(id => byRun[id].Index).ToArray());
        Assert.All(byRun.Values, s =>
        {
            Assert.Equal("acme", s.Tenant);
            Assert.Equal("blue", s.Color);
            Assert.Equal(run.RunId, s.ParentRunId);
        });
    }

    private static string? Meta(TaskContext ctx, string key) => ctx.AdditionalMetadata.TryGetValue(key, out var v) ? v.GetString() : null;

    private static Task<Out> Record(ConcurrentQueue<string> order, string name, Out output)
    {
        order.Enqueue(name);
        return Task.FromResult(output);
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

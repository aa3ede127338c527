using System.Text.Json.Serialization;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Orchestration.Flows;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>
/// A root that fails (its body for good, or <c>stopAfterNFailures</c>) ends only when its children have: queued ones
/// are canceled, running ones finish (or are cancelled through the engine), then the error callbacks fire once.
/// </summary>
[Collection(RootTasksCollection.Name)]
public sealed class RootStopTests(MageFlowFixture fixture)
{
    /// <summary>An error callback's input: the root's message plus the flow's error.</summary>
    public sealed record RootErrorIn(int N, string? Tag, [property: JsonPropertyName(FlowError.FieldName)] FlowError? Error);

    [Fact]
    public async Task RootBody_FailsWithChildrenRunning_ErrorCallbackStartsAfterLastChildEnded()
    {
        using var gate = new Gate();
        var timeline = new Timeline();
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", async (i, ctx) =>
        {
            await gate.PassAsync(ctx.CancellationToken);
            await Task.Delay(50 * (i.N + 1), ctx.CancellationToken);
            timeline.Mark($"child-end:{i.N}");
            return new ChildOut(i.N);
        });
        var (onDone, successes) = h.Recorder<ResultsIn, int>("done", 0);
        var (onError, errors) = TimedErrorCallback(h, timeline);
        var root = h.Task<RootIn, RootOut>("root", async (input, _) =>
        {
            await child.RunNoWaitAsync(new ChildIn(0));
            await child.RunNoWaitAsync(new ChildIn(1));
            await gate.ArrivalsAsync(2);
            throw new InvalidOperationException("boom");
        }).AsRoot(maxConcurrency: 4);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback, errorCallback) = await RootRuns.StartAsync(mf, root, new RootIn(9, "fails"), onDone, onError);

        // The body failed for good (no retries) while both children run: the root is failing, not failed.
        Assert.Equal(SignatureStatus.Failed, await RootTaskAssert.FinalStatusAsync(mf, rootSig.Id));
        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        await RootTaskAssert.EventuallyAsync(async () => (await RootTaskAssert.FieldsAsync(h, swarmId, "failing"))["failing"] is { Length: > 0 });
        Assert.Equal(SignatureStatus.Active, (await rootSig.Flow.GetProgressAsync()).Status);
        Assert.Equal(0, errors.Count);
        gate.Open();

        var received = await errors.First;
        await errorCallback.ResultAsync<int>().WaitAsync(Wait);
        Assert.True(timeline["error-callback"] > timeline.Matching("child-end:").Max(), "the error callback started before the last child ended");
        Assert.Equal(2, timeline.Matching("child-end:").Count);
        Assert.Equal((9, "fails"), (received.N, received.Tag));
        Assert.NotNull(received.Error);
        Assert.StartsWith("root task failed: InvalidOperationException: boom", received.Error.Error, StringComparison.Ordinal);
        Assert.Equal(new FlowChildrenSummary(2, 2, 0, 0), received.Error.Children);

        var outcome = await rootSig.Flow.WaitAsync().WaitAsync(Wait);
        Assert.Equal(FlowStatus.Failed, outcome.Status);
        Assert.Equal((2, 2, 0), (outcome.Counts.Total, outcome.Counts.Done, outcome.Counts.Failed));
        Assert.Equal(SignatureStatus.Canceled, await callback.GetStatusAsync());
        Assert.Equal(0, successes.Count);
        Assert.Equal(1, errors.Count);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task RootBody_FailsWithCancelRunningMode_RunningChildrenCancelledThroughEngineBeforeErrorCallback()
    {
        using var gate = new Gate();
        var timeline = new Timeline();
        var executed = new ConcurrentDictionary<int, int>();
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", async (i, ctx) =>
        {
            executed.Increment(i.N);
            try
            {
                await gate.PassAsync(ctx.CancellationToken);
                return new ChildOut(i.N);
            }
            finally
            {
                timeline.Mark($"child-end:{i.N}");
            }
        });
        var (onDone, successes) = h.Recorder<ResultsIn, int>("done", 0);
        var (onError, errors) = TimedErrorCallback(h, timeline);
        var ids = new string[4];
        var root = h.Task<RootIn, RootOut>("root", async (input, _) =>
        {
            // Two run (held at the gate, which never opens), two wait in the queue.
            await RootRuns.SpawnAsync(MageFlowClient.Current, child, ids, n => new ChildIn(n));
            await gate.ArrivalsAsync(2);
            throw new NonRetryableException("give up");
        }).AsRoot(new SwarmConfig(MaxConcurrency: 2, StopMode: SwarmStopMode.CancelRunning));
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback, _) = await RootRuns.StartAsync(mf, root, new RootIn(3), onDone, onError);

        var received = await errors.First;
        Assert.Equal([0, 1], executed.Keys.Order());
        Assert.True(timeline["error-callback"] > timeline.Matching("child-end:").Max(), "the error callback started before a cancelled child's handler ended");
        Assert.NotNull(received.Error);
        Assert.Equal(new FlowChildrenSummary(4, 0, 0, 4), received.Error.Children);
        foreach (var id in ids)
        {
            Assert.Equal(SignatureStatus.Canceled, await RootTaskAssert.FinalStatusAsync(mf, id));
        }

        Assert.Equal(SignatureStatus.Canceled, await callback.GetStatusAsync());
        Assert.Equal(0, successes.Count);
        Assert.Equal(1, errors.Count);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task RootBody_KeepsPublishingAfterStopAfterNFailures_CompletesWithoutRetryAndLateChildrenAreCanceled()
    {
        var logs = new CapturingLoggerFactory();
        var attempts = 0;
        var executed = new ConcurrentDictionary<int, int>();
        await using var h = fixture.Flow(o => o.LoggerFactory = logs);
        var child = h.Task<RootTaskFailureTests.FlakyIn, ChildOut>("child", (i, _) =>
        {
            executed.Increment(i.N);
            return i.Fail ? throw new InvalidOperationException($"child {i.N} failed") : Task.FromResult(new ChildOut(i.N));
        });
        var (onDone, successes) = h.Recorder<ResultsIn, int>("done", 0);
        var (onError, errors) = h.Recorder<RootErrorIn, int>("err", 0);
        var late = new List<string>();
        var root = h.Task<RootIn, RootOut>(
            "root",
            async (input, ctx) =>
            {
                Interlocked.Increment(ref attempts);
                var mageflow = MageFlowClient.Current;
                await child.RunNoWaitAsync(new RootTaskFailureTests.FlakyIn(0, true));
                await child.RunNoWaitAsync(new RootTaskFailureTests.FlakyIn(1, true));

                // Wait (as a long body would, unaware) until both failures have stopped the root swarm.
                var swarm = (await mageflow.GetAsync(MageFlowScope.CurrentRootSwarmId!, ctx.CancellationToken))!;
                while ((await swarm.Flow.GetProgressAsync(ctx.CancellationToken)).Status != SignatureStatus.Failed)
                {
                    await Task.Delay(20, ctx.CancellationToken);
                }

                for (var n = 2; n < 5; n++)
                {
                    var run = await child.RunNoWaitAsync(new RootTaskFailureTests.FlakyIn(n, false));
                    lock (late)
                    {
                        late.Add(run.QueuedAs!);
                    }
                }

                return new RootOut(5);
            },
            new TaskOptions { Retries = 2 }).AsRoot(maxConcurrency: 2, stopAfterNFailures: 2);
        var mf = await h.StartAsync(slots: 20);

        var (rootSig, callback, errorCallback) = await RootRuns.StartAsync(mf, root, new RootIn(1, "late"), onDone, onError);

        // The body completed on its first attempt; its late children were canceled, never run.
        Assert.Equal(new RootOut(5), await rootSig.ResultAsync<RootOut>().WaitAsync(Wait));
        var received = await errors.First;
        await errorCallback.ResultAsync<int>().WaitAsync(Wait);
        Assert.Equal(1, attempts);
        Assert.Equal(3, late.Count);
        foreach (var id in late)
        {
            Assert.Equal(SignatureStatus.Canceled, await RootTaskAssert.FinalStatusAsync(mf, id));
        }

        Assert.Equal([0, 1], executed.Keys.Order());
        Assert.Equal("swarm stopped after 2 failure(s)", received.Error?.Error);
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
        Assert.Equal(SignatureStatus.Canceled, await callback.GetStatusAsync());

        // A warning for each late child names the root swarm (name and id) and the child.
        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        var warnings = logs.Named("PublishedIntoStoppedRoot");
        Assert.Equal(3, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.All(warnings, w => Assert.Contains($"root-swarm:{root.WorkflowName} ({swarmId})", w.Message, StringComparison.Ordinal));
        Assert.All(late, id => Assert.Single(warnings, w => w.Message.Contains(id, StringComparison.Ordinal)));
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task AddTaskAsync_StoppedSwarm_ErrorNamesTheSwarmByNameAndId()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 4);

        var swarm = await mf.SwarmAsync([await mf.SignAsync(item, new { n = 1 })], name: "nightly-import");
        await swarm.CloseAsync();
        var late = await mf.SignAsync(item);
        var e = await Assert.ThrowsAsync<MageFlowStateException>(() => swarm.AddTaskAsync(late));
        Assert.Contains($"nightly-import ({swarm.Id})", e.Message, StringComparison.Ordinal);

        var unnamed = await mf.SwarmAsync([await mf.SignAsync(item, new { n = 2 })]);
        await unnamed.CancelAsync();
        var e2 = await Assert.ThrowsAsync<MageFlowStateException>(() => unnamed.AddTaskAsync(late));
        Assert.Contains($"{unnamed.Name} ({unnamed.Id})", e2.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(unnamed.Name));
        await swarm.RunNoWaitAsync();
        await swarm.ResultAsync<List<Out>>().WaitAsync(Wait);
        await late.CancelAsync();
        await h.AssertRedisCleanAsync();
    }

    /// <summary>Declares an error callback that marks <c>error-callback</c> on <paramref name="timeline"/> when it starts
    /// and records its input.</summary>
    internal static (TaskDeclaration<RootErrorIn, int> Task, Probe<RootErrorIn> Probe) TimedErrorCallback(FlowHarness h, Timeline timeline)
    {
        var errors = new Probe<RootErrorIn>();
        var task = h.Task<RootErrorIn, int>("err", (i, _) =>
        {
            timeline.Mark("error-callback");
            errors.Record(i);
            return Task.FromResult(0);
        });
        return (task, errors);
    }
}

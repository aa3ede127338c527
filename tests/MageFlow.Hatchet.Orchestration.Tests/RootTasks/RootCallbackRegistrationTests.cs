using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>
/// Callbacks given to <c>AsRoot</c> (the specification's "on decorator"): every run of the root signs them, after the
/// callbacks its signature was given; a plain run of the root (no signature) gets them too.
/// </summary>
[Collection(RootTasksCollection.Name)]
public sealed class RootCallbackRegistrationTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task AsRoot_RegistrationCallbacks_FireForSignedAndPlainRunsAfterSignTimeCallbacks()
    {
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", (i, _) => Task.FromResult(new ChildOut(i.N)));
        var (registered, fromRegistration) = h.Recorder<ChildResultsIn, int>("registered", 0);
        var (signed, fromSignature) = h.Recorder<ChildResultsIn, int>("signed", 0);
        var root = h.Task<RootIn, RootOut>("root", async (input, _) =>
        {
            await child.RunNoWaitAsync(new ChildIn(input.N));
            return new RootOut(1);
        }).AsRoot(maxConcurrency: 2, successCallbacks: [registered]);
        var mf = await h.StartAsync(slots: 20);

        // A signed run: its own callback, then the registered one.
        var signedCallback = await mf.SignAsync(signed);
        var rootSig = await mf.SignAsync(root, successCallbacks: [signedCallback]);
        await rootSig.RunNoWaitAsync(new RootIn(1));
        Assert.Equal([1], (await fromSignature.First).Results!.Select(r => r.N));
        await rootSig.Flow.WaitAsync().WaitAsync(Wait);
        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, rootSig.Id);
        var order = (await RootTaskAssert.FieldsAsync(h, swarmId, "succ"))["succ"]!.Split(',');
        Assert.Equal(2, order.Length);
        Assert.Equal(signedCallback.Id, order[0]);
        Assert.Equal(registered.WorkflowName, (await mf.GetAsync(order[1]))!.Name);

        // Two plain runs: the registered callback fires once for each, with that run's children.
        await root.RunAsync(new RootIn(2)).WaitAsync(Wait);
        await root.RunAsync(new RootIn(3)).WaitAsync(Wait);
        await RootTaskAssert.EventuallyAsync(() => Task.FromResult(fromRegistration.Count == 3));
        Assert.Equal([1, 2, 3], fromRegistration.Calls.Select(c => c.Results!.Single().N).Order());
        Assert.Equal(1, fromSignature.Count);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task PlainRun_RetriedRootFailsOnEveryAttempt_RegistrationErrorCallbackFiresOnceAfterTheLast()
    {
        var attempts = new ConcurrentQueue<int>();
        var timeline = new Timeline();
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", (i, _) => Task.FromResult(new ChildOut(i.N)));
        var (onError, errors) = RootStopTests.TimedErrorCallback(h, timeline);
        var root = h.Task<RootIn, RootOut>(
            "root",
            async (input, ctx) =>
            {
                attempts.Enqueue(ctx.RetryCount);
                timeline.Mark($"attempt:{ctx.RetryCount}");
                await child.RunNoWaitAsync(new ChildIn(input.N));
                throw new InvalidOperationException($"attempt {ctx.RetryCount} fails");
            },
            new TaskOptions { Retries = 2 }).AsRoot(maxConcurrency: 2, errorCallbacks: [onError]);
        await h.StartAsync(slots: 20);

        // A plain run, no signature: only the engine knows its last attempt; its failure stops the root swarm.
        var run = await root.RunNoWaitAsync(new RootIn(5, "plain"));
        var failure = await Assert.ThrowsAsync<TaskRunFailedException>(() => run.ResultAsync().WaitAsync(Wait));
        Assert.Contains("attempt 2 fails", failure.Message, StringComparison.Ordinal);
        var received = await errors.First;
        Assert.Equal([0, 1, 2], attempts);
        Assert.True(timeline["error-callback"] > timeline["attempt:2"]);
        Assert.Equal((5, "plain"), (received.N, received.Tag));
        Assert.StartsWith("root task failed: InvalidOperationException: attempt 2 fails", received.Error!.Error, StringComparison.Ordinal);
        Assert.Equal(new Flows.FlowChildrenSummary(1, 1, 0, 0), received.Error.Children);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, errors.Count);
    }
}

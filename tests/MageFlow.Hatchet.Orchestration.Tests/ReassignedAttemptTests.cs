using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// The engine's retry count also counts reassignments from lost workers, which spend no application retry: a worker
/// must not take a high retry count for the last attempt and record a signature as failed for good while the engine
/// will still run it.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class ReassignedAttemptTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task ReassignedAttemptThenFailure_ErrorCallbacksWaitWhileApplicationRetriesRemain()
    {
        var clock = new ManualClock();
        using var held = new Gate();
        var attempts = new ConcurrentQueue<int>();
        await using var h = await fixture.FlowOnOwnEngineAsync(new DevEngineOptions { TimeProvider = clock });
        var task = h.Task<In, Out>(
            "flaky",
            async (input, ctx) =>
            {
                attempts.Enqueue(ctx.RetryCount);
                switch (ctx.RetryCount)
                {
                    case 0:
                        // The worker goes silent for the engine while this attempt runs: the engine takes it back.
                        await held.PassAsync(CancellationToken.None);
                        return new Out(-1);
                    case 1:
                        // The reassigned attempt fails: retry_count is 1 and Retries is 1, yet no application retry
                        // has been spent, so the engine runs it again.
                        throw new InvalidOperationException("failed after a reassignment");
                    default:
                        return new Out(input.N);
                }
            },
            new TaskOptions { Retries = 1 });
        var (onDone, successes) = h.Recorder<TaggedIn, int>("done", 0);
        var (onError, errors) = h.Recorder<In, int>("err", 0);
        var mf = await h.AttachAsync();
        await using var worker = new HatchetWorker(h.Client, new HatchetWorkerOptions(Names.Unique("w")) { Slots = 10, HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        await worker.StartAsync().WaitAsync(Wait);

        var signature = await mf.SignAsync(task, successCallbacks: [await mf.SignAsync(onDone)], errorCallbacks: [await mf.SignAsync(onError)]);
        await signature.RunNoWaitAsync(new In(7));
        await held.ArrivalsAsync(1);

        // 31 s of engine time without a heartbeat: past the 30 s after which the engine reassigns a worker's tasks.
        clock.Advance(TimeSpan.FromSeconds(31));
        h.Engine.FireDueTimers();

        Assert.Equal(new TaggedIn(null, new Out(7)), await successes.First);
        Assert.Equal([0, 1, 2], attempts);
        Assert.Equal(SignatureStatus.Done, await signature.GetStatusAsync());
        Assert.Equal(0, errors.Count);
        held.Open();
        await h.AssertRedisCleanAsync();
    }

    /// <summary>A success callback's input: the result in <c>MageflowResults</c>.</summary>
    public sealed record TaggedIn(string? Tag, Out? MageflowResults);
}

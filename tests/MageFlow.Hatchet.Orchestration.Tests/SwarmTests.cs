namespace MageFlow.Hatchet.Orchestration.Tests;

[Collection(MageFlowCollection.Name)]
public sealed class SwarmTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RunAsync_ClosedSwarm_SuccessCallbackGetsEveryResult()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N * 2)));
        var (onSuccess, successes) = h.Recorder<ListIn, Out>("onok", new Out(0));
        var mf = await h.StartAsync(slots: 50);

        var items = new List<Signature>();
        for (var n = 0; n < 20; n++)
        {
            items.Add(await mf.SignAsync(item, new { n }));
        }

        var callback = await mf.SignAsync(onSuccess);
        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 10), successCallbacks: [callback], closed: true);
        await swarm.RunNoWaitAsync();

        var received = (await successes.First).MageflowResults!;
        Assert.Equal(20, received.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(n => new Out(n * 2)), received.OrderBy(o => o.Value));
        Assert.Equal(received.OrderBy(o => o.Value), await swarm.ResultAsync<List<Out>>().WaitAsync(Wait));
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, successes.Count);
    }

    [Fact]
    public async Task RunNoWaitAsync_MaxConcurrency_PeakEqualsLimitAndNeverExceedsIt()
    {
        const int Items = 30;
        const int Limit = 5;
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var item = h.Task("item", gate.Passing<In, Out>(i => new Out(i.N)));
        var mf = await h.StartAsync(slots: 50);

        var items = new List<Signature>();
        for (var n = 0; n < Items; n++)
        {
            items.Add(await mf.SignAsync(item, new { n }));
        }

        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: Limit), closed: true);
        await swarm.RunNoWaitAsync();
        for (var wave = 0; wave < Items / Limit; wave++)
        {
            await gate.ArrivalsAsync(Limit);
            Assert.Equal(Limit, gate.Running);
            gate.Release(Limit);
        }

        var results = await swarm.ResultAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(0, Items).Select(n => new Out(n)), results);
        Assert.Equal(Limit, gate.Peak);
        Assert.Equal(Items, gate.Entered);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task RunNoWaitAsync_StopAfterNFailures_StopsRestAndErrorCallbacksOnce()
    {
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var executed = new ConcurrentDictionary<int, int>();
        var item = h.Task<FlakyIn, Out>("item", async (i, ctx) =>
        {
            executed.Increment(i.N);
            if (i.Fail)
            {
                throw new InvalidOperationException($"item {i.N} failed");
            }

            await gate.PassAsync(ctx.CancellationToken);
            return new Out(i.N);
        });
        var (onSuccess, successes) = h.Recorder<ListIn, Out>("onok", new Out(0));
        var (onError, errors) = h.Recorder<ResultIn, Out>("onerr", new Out(0));
        var mf = await h.StartAsync(slots: 50);

        // Items 0 and 1 fail at once; the first failure starts item 2 (held at the gate); the second stops the swarm.
        var items = new List<Signature>();
        for (var n = 0; n < 8; n++)
        {
            items.Add(await mf.SignAsync(item, new { n, fail = n < 2 }));
        }

        var errorCallback = await mf.SignAsync(onError);
        var swarm = await mf.SwarmAsync(
            items,
            new SwarmConfig(MaxConcurrency: 2, StopAfterNFailures: 2),
            successCallbacks: [await mf.SignAsync(onSuccess)],
            errorCallbacks: [errorCallback],
            closed: true);
        await swarm.RunNoWaitAsync();

        await errors.First;
        await gate.ArrivalsAsync(1);
        var failed = await Assert.ThrowsAsync<SignatureFailedException>(() => swarm.ResultAsync<List<Out>>().WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Failed, failed.Status);
        for (var n = 3; n < 8; n++)
        {
            Assert.Equal(SignatureStatus.Canceled, await items[n].GetStatusAsync());
        }

        // The item that was already running when the swarm stopped finishes normally.
        gate.Open();
        Assert.Equal(new Out(2), await items[2].ResultAsync<Out>().WaitAsync(Wait));
        await errorCallback.ResultAsync<Out>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
        Assert.Equal([0, 1, 2], executed.Keys.Order());
        Assert.All(executed.Values, c => Assert.Equal(1, c));
    }

    [Fact]
    public async Task AddTaskAsync_ReachingMaxTaskAllowed_ClosesSwarmAndRefusesMore()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 20);

        var swarm = await mf.SwarmAsync(config: new SwarmConfig(MaxConcurrency: 5, MaxTasks: 3));
        await swarm.AddTasksAsync([await mf.SignAsync(item, new { n = 1 }), await mf.SignAsync(item, new { n = 2 })]);

        var extra1 = await mf.SignAsync(item);
        var extra2 = await mf.SignAsync(item);
        var full = await Assert.ThrowsAsync<MageFlowStateException>(() => swarm.AddTasksAsync([extra1, extra2]));
        Assert.Equal("full", full.Reason);
        Assert.Contains("max_task_allowed", full.Message, StringComparison.Ordinal);

        await swarm.AddTaskAsync(await mf.SignAsync(item, new { n = 3 }));
        var extra3 = await mf.SignAsync(item, new { n = 4 });
        var closed = await Assert.ThrowsAsync<MageFlowStateException>(() => swarm.AddTaskAsync(extra3));
        Assert.True(closed.Reason is "closed" or "full", closed.Reason);

        // Reaching the limit closed the swarm: it finishes without CloseAsync.
        var results = await swarm.RunAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal([new Out(1), new Out(2), new Out(3)], results);
        await CancelAllAsync(extra1, extra2, extra3);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task AddTaskAsync_AfterSwarmStarted_ItemsRunWithMergedMessages()
    {
        await using var h = fixture.Flow();
        var item = h.Task<TaggedIn, TaggedOut>("item", (i, _) => Task.FromResult(new TaggedOut(i.N * 2, i.Tag)));
        var mf = await h.StartAsync(slots: 20);

        var swarm = await mf.SwarmAsync([await mf.SignAsync(item)], new SwarmConfig(MaxConcurrency: 3), boundInput: new { tag = "swarm" });
        await swarm.RunNoWaitAsync(new { n = 1 });

        await swarm.AddTaskAsync(await mf.SignAsync(item, new { n = 5, tag = "own" }));
        await swarm.RunInSwarmAsync(await mf.SignAsync(item), new { n = 10 });
        await swarm.RunTasksInSwarmAsync([await mf.SignAsync(item), await mf.SignAsync(item)], [new { n = 20 }, null]);
        var unmatched = await mf.SignAsync(item);
        await Assert.ThrowsAsync<ArgumentException>(() => swarm.RunTasksInSwarmAsync([unmatched], []));
        await unmatched.CancelAsync();
        await swarm.CloseAsync();

        var results = await swarm.ResultAsync<List<TaggedOut>>().WaitAsync(Wait);
        Assert.Equal(
            [new TaggedOut(2, "swarm"), new TaggedOut(10, "own"), new TaggedOut(20, "swarm"), new TaggedOut(40, "swarm"), new TaggedOut(2, "swarm")],
            results);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task AddTaskAsync_ClosedSwarm_ThrowsClosed()
    {
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var item = h.Task("item", gate.Passing<In, Out>(i => new Out(i.N)));
        var mf = await h.StartAsync(slots: 20);

        var swarm = await mf.SwarmAsync([await mf.SignAsync(item, new { n = 1 })]);
        await swarm.RunNoWaitAsync();
        await gate.ArrivalsAsync(1);
        await swarm.CloseAsync();

        var late1 = await mf.SignAsync(item);
        var whileRunning = await Assert.ThrowsAsync<MageFlowStateException>(() => swarm.AddTaskAsync(late1));
        Assert.Equal("closed", whileRunning.Reason);
        Assert.Contains("closed", whileRunning.Message, StringComparison.Ordinal);
        Assert.Contains(swarm.Id, whileRunning.Message, StringComparison.Ordinal);

        gate.Open();
        Assert.Equal([new Out(1)], await swarm.ResultAsync<List<Out>>().WaitAsync(Wait));
        var late2 = await mf.SignAsync(item);
        var afterDone = await Assert.ThrowsAsync<MageFlowStateException>(() => swarm.AddTaskAsync(late2));
        Assert.Equal("closed", afterDone.Reason);
        await CancelAllAsync(late1, late2);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task AddTaskAsync_CanceledSwarm_ThrowsCanceled()
    {
        var runs = 0;
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult(new Out(i.N));
        });
        var mf = await h.StartAsync(slots: 20);

        var first = await mf.SignAsync(item, new { n = 1 });
        var swarm = await mf.SwarmAsync([first]);
        await swarm.CancelAsync();

        var late = await mf.SignAsync(item);
        var e = await Assert.ThrowsAsync<MageFlowStateException>(() => swarm.AddTaskAsync(late));
        Assert.Equal("canceled", e.Reason);
        Assert.Contains("canceled", e.Message, StringComparison.Ordinal);
        Assert.Equal(SignatureStatus.Canceled, await swarm.GetStatusAsync());
        Assert.Equal(SignatureStatus.Canceled, await first.GetStatusAsync());
        var run = await Assert.ThrowsAsync<MageFlowStateException>(() => swarm.RunNoWaitAsync());
        Assert.Contains("canceled", run.Message, StringComparison.Ordinal);
        await late.CancelAsync();
        await h.AssertRedisCleanAsync();
        Assert.Equal(0, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task SuspendAsync_ThenResume_SwarmLosesNoItem()
    {
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var item = h.Task("item", gate.Passing<In, Out>(i => new Out(i.N)));
        var mf = await h.StartAsync(slots: 20);

        var items = new List<Signature>();
        for (var n = 0; n < 6; n++)
        {
            items.Add(await mf.SignAsync(item, new { n }));
        }

        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 2), closed: true);
        await swarm.RunNoWaitAsync();
        await gate.ArrivalsAsync(2);

        await swarm.SuspendAsync();
        Assert.Equal(SignatureStatus.Suspended, await swarm.GetStatusAsync());
        for (var n = 2; n < 6; n++)
        {
            Assert.Equal(SignatureStatus.Suspended, await items[n].GetStatusAsync());
        }

        // The two running items are not stopped: they finish and keep their results; nothing new starts.
        gate.Open();
        Assert.Equal(new Out(0), await items[0].ResultAsync<Out>().WaitAsync(Wait));
        Assert.Equal(new Out(1), await items[1].ResultAsync<Out>().WaitAsync(Wait));
        var db = h.Db;
        Assert.Equal(4, await db.ListLengthAsync(h.Keys.Swarm(swarm.Id, SwarmPart.Queue)));
        Assert.Equal("0", (string?)await db.HashGetAsync(h.Keys.Signature(swarm.Id), "running"));
        Assert.Equal(SignatureStatus.Suspended, await swarm.GetStatusAsync());

        await swarm.ResumeAsync();

        var results = await swarm.ResultAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal(Enumerable.Range(0, 6).Select(n => new Out(n)), results);
        Assert.True(gate.Peak <= 2, $"peak {gate.Peak}");
        Assert.Equal(6, gate.Entered);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task SuspendAsync_RunningTask_KeepsRunningAndKeepsItsResult()
    {
        using var gate = new Gate();
        await using var h = fixture.Flow();
        var item = h.Task("item", gate.Passing<In, Out>(i => new Out(i.N)));
        var (onSuccess, successes) = h.Recorder<ResultIn, Out>("onok", new Out(0));
        var mf = await h.StartAsync(slots: 20);

        var callback = await mf.SignAsync(onSuccess);
        var sig = await mf.SignAsync(item, new { n = 3 }, successCallbacks: [callback]);
        await sig.RunNoWaitAsync();
        await gate.ArrivalsAsync(1);
        await sig.SuspendAsync();
        Assert.Equal(SignatureStatus.Suspended, await sig.GetStatusAsync());

        gate.Open();
        Assert.Equal(new Out(3), await sig.ResultAsync<Out>().WaitAsync(Wait));
        Assert.Equal(new Out(3), (await successes.First).MageflowResults);
        await sig.ResumeAsync();
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, gate.Entered);
        Assert.Equal(1, successes.Count);
    }

    [Fact]
    public async Task InterruptAsync_RunningItem_CancelsHandlerAndResumeRerunsIt()
    {
        var started = new SemaphoreSlim(0);
        var cancelled = new SemaphoreSlim(0);
        var attempts = new ConcurrentDictionary<int, int>();
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", async (i, ctx) =>
        {
            if (attempts.Increment(i.N) == 1)
            {
                started.Release();
                try
                {
                    await new TaskCompletionSource().Task.WaitAsync(Wait, ctx.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    cancelled.Release();
                    throw;
                }
            }

            return new Out(i.N * 10);
        });
        var mf = await h.StartAsync(slots: 20);

        var items = new List<Signature> { await mf.SignAsync(item, new { n = 1 }), await mf.SignAsync(item, new { n = 2 }) };
        var swarm = await mf.SwarmAsync(items, new SwarmConfig(MaxConcurrency: 2), closed: true);
        await swarm.RunNoWaitAsync();
        await started.WaitAsync(Wait);
        await started.WaitAsync(Wait);

        await swarm.InterruptAsync();
        await cancelled.WaitAsync(Wait);
        await cancelled.WaitAsync(Wait);
        Assert.Equal(SignatureStatus.Interrupted, await swarm.GetStatusAsync());
        Assert.Equal(SignatureStatus.Interrupted, await items[0].GetStatusAsync());

        await swarm.ResumeAsync();
        var results = await swarm.ResultAsync<List<Out>>().WaitAsync(Wait);
        Assert.Equal([new Out(10), new Out(20)], results);
        Assert.Equal(2, attempts[1]);
        Assert.Equal(2, attempts[2]);
        await h.AssertRedisCleanAsync();
    }

    /// <summary>Signatures a swarm refused never run: cancel them, as a caller would, so they expire like the rest.</summary>
    private static Task CancelAllAsync(params Signature[] refused) => Task.WhenAll(refused.Select(s => s.CancelAsync()));

    public sealed record FlakyIn(int N, bool Fail);

    public sealed record TaggedIn(int N, string? Tag);

    public sealed record TaggedOut(int Value, string? Tag);
}

using System.Text.Json;

namespace MageFlow.Hatchet.Orchestration.Tests;

[Collection(MageFlowCollection.Name)]
public sealed class SignatureTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task SignAsync_SuccessCallback_ReceivesResultInMageflowResults()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N * 2)));
        var (cb, calls) = h.Recorder<ResultIn, Out>("cb", new Out(0));
        var mf = await h.StartAsync(slots: 20);

        var callback = await mf.SignAsync(cb, new { tag = "ok" });
        var sig = await mf.SignAsync(item, new { n = 21 }, successCallbacks: [callback]);
        await sig.RunNoWaitAsync();

        var received = await calls.First;
        Assert.Equal(new Out(42), received.MageflowResults);
        Assert.Equal("ok", received.Tag);
        Assert.Equal(new Out(42), await sig.ResultAsync<Out>().WaitAsync(Wait));
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task SignAsync_CallbackWithReturnValueProperty_ReceivesResultThere()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N * 2)));
        var (cb, calls) = h.Recorder<PrevIn, Out>("cb", new Out(0));
        var mf = await h.StartAsync(slots: 20);

        var callback = await mf.SignAsync(cb, new { tag = "rv" });
        var sig = await mf.SignAsync(item, new { n = 4 }, successCallbacks: [callback]);
        await sig.RunNoWaitAsync();

        var received = await calls.First;
        Assert.Equal(new Out(8), received.Prev);
        Assert.Null(received.MageflowResults);
        Assert.Equal("rv", received.Tag);
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task SignAsync_TaskFailsForGood_ErrorCallbackGetsOriginalMessageOnceAfterRetries()
    {
        await using var h = fixture.Flow();
        var attempts = 0;
        var failing = h.Task<In, Out>(
            "fail",
            (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("boom");
            },
            new TaskOptions { Retries = 2 });
        var (onError, errors) = h.Recorder<ResultIn, Out>("onerr", new Out(0));
        var (onSuccess, successes) = h.Recorder<ResultIn, Out>("onok", new Out(0));
        var mf = await h.StartAsync(slots: 20);

        var errorCallback = await mf.SignAsync(onError, new { tag = "err" });
        var successCallback = await mf.SignAsync(onSuccess);
        var sig = await mf.SignAsync(failing, successCallbacks: [successCallback], errorCallbacks: [errorCallback]);
        await sig.RunNoWaitAsync(new { n = 7 });

        var received = await errors.First;
        Assert.Equal(7, received.N);
        Assert.Equal("err", received.Tag);
        Assert.Null(received.MageflowResults);
        var failed = await Assert.ThrowsAsync<SignatureFailedException>(() => sig.ResultAsync<Out>().WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Failed, failed.Status);
        Assert.Contains("boom", failed.Error, StringComparison.Ordinal);
        await errorCallback.ResultAsync<Out>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(3, Volatile.Read(ref attempts));
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
    }

    [Fact]
    public async Task RunNoWaitAsync_Signature_EngineOutputWrappedInHatchetResults()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var mf = await h.StartAsync(slots: 20);

        var sig = await mf.SignAsync(item);
        Assert.Equal(new Out(11), await sig.RunAsync<Out>(new { n = 10 }).WaitAsync(Wait));

        string runId = (await h.Db.HashGetAsync(h.Keys.Signature(sig.Id), "run"))!;
        Assert.False(string.IsNullOrEmpty(runId));
        var raw = await h.Client.Runs.Get(runId).ResultAsync().WaitAsync(Wait);
        var output = Assert.Single(raw.Outputs).Value;
        Assert.Equal(JsonValueKind.Object, output.ValueKind);
        Assert.Equal(11, output.GetProperty("hatchet_results").GetProperty("value").GetInt32());
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task RunAsync_PlainRunOnMageflowWorker_OutputUntouchedAndNothingStored()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N * 3)));
        await h.StartAsync(slots: 20);

        var run = await item.RunNoWaitAsync(new In(5));
        var raw = await run.ResultAsync().WaitAsync(Wait);
        var output = Assert.Single(raw.Outputs).Value;
        Assert.False(output.TryGetProperty("hatchet_results", out _));
        Assert.Equal(15, output.GetProperty("value").GetInt32());
        Assert.Equal(new Out(15), await item.RunAsync(new In(5)).WaitAsync(Wait));

        var keys = new List<string>();
        await foreach (var key in RedisAssert.KeysAsync(h.Redis, h.Db.Database, h.Prefix))
        {
            keys.Add((string)key!);
        }

        Assert.DoesNotContain(keys, k => k.Contains(":sig:", StringComparison.Ordinal) || k.Contains(":run:", StringComparison.Ordinal));
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task SignAsync_UnregisteredName_ThrowsStateExceptionNamingTask()
    {
        await using var h = fixture.Flow();
        _ = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.AttachAsync();
        var name = Names.Unique("nobody-serves");

        var e = await Assert.ThrowsAsync<MageFlowStateException>(() => mf.SignAsync(name));
        Assert.Equal("unregistered", e.Reason);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task RegisterExternalTasksAsync_ExternalName_BecomesSignableAndRuns()
    {
        var name = Names.Unique("external");

        // Another "language": a worker without MageFlow serves the task; this process only signs it by name.
        await using var external = fixture.Harness();
        _ = external.Client.Task<In, Out>(name, (i, _) => Task.FromResult(new Out(i.N + 100)));
        await external.StartWorkerAsync(slots: 10);

        await using var h = fixture.Flow();
        var mf = await h.AttachAsync();
        await Assert.ThrowsAsync<MageFlowStateException>(() => mf.SignAsync(name));

        await mf.RegisterExternalTasksAsync([name]);
        var sig = await mf.SignAsync(name, new { n = 1 });

        Assert.Equal(name, sig.Name);
        Assert.Equal(new Out(101), await sig.RunAsync<Out>().WaitAsync(Wait));
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task RunNoWaitAsync_ChildSpawnedInsideSignatureTask_DoesNotInheritTaskId()
    {
        await using var h = fixture.Flow();
        var childMetadata = new Probe<string>();
        var child = h.Task<In, Out>("child", (i, ctx) =>
        {
            childMetadata.Record(ctx.AdditionalMetadata.TryGetValue("task_id", out var v) ? v.ToString() : string.Empty);
            return Task.FromResult(new Out(i.N + 1));
        });
        var parent = h.Task<In, ChildRun>("parent", async (i, _) =>
        {
            var run = await child.RunNoWaitAsync(new In(i.N));
            var output = await run.ResultAsync<Out>();
            return new ChildRun(run.RunId, output.Value);
        });
        var mf = await h.StartAsync(slots: 20);

        var sig = await mf.SignAsync(parent);
        var result = await sig.RunAsync<ChildRun>(new { n = 1 }).WaitAsync(Wait);

        Assert.Equal(string.Empty, await childMetadata.First);
        Assert.Equal(2, result.Value);
        var raw = await h.Client.Runs.Get(result.RunId).ResultAsync().WaitAsync(Wait);
        var output = Assert.Single(raw.Outputs).Value;
        Assert.False(output.TryGetProperty("hatchet_results", out _), $"the child ran as a signature: {output}");
        Assert.Equal(SignatureStatus.Done, await sig.GetStatusAsync());
        await h.AssertRedisCleanAsync();
    }

    public sealed record ChildRun(string RunId, int Value);
}

using System.Text.Json;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests.Orchestration;

[Collection(MageFlowCollection.Name)]
public sealed class SignatureTests(MageFlowFixture fixture)
{
    private static readonly TimeSpan Wait = MageFlowFixture.Wait;

    [Fact]
    public async Task SignAsync_SuccessCallback_ReceivesResultInMageflowResults()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var item = client.Task<In, Out>(MageFlowFixture.Unique("item"), (i, _) => Task.FromResult(new Out(i.N * 2)));
        var calls = new Probe<ResultIn>();
        var cb = client.Task<ResultIn, Out>(MageFlowFixture.Unique("cb"), (i, _) =>
        {
            calls.Record(i);
            return Task.FromResult(new Out(0));
        });
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var callback = await mf.SignAsync(cb, new { tag = "ok" });
        var sig = await mf.SignAsync(item, new { n = 21 }, successCallbacks: [callback]);
        await sig.RunNoWaitAsync();

        var received = await calls.First;
        Assert.Equal(new Out(42), received.MageflowResults);
        Assert.Equal("ok", received.Tag);
        Assert.Equal(new Out(42), await sig.ResultAsync<Out>().WaitAsync(Wait));
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task SignAsync_CallbackWithReturnValueProperty_ReceivesResultThere()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var item = client.Task<In, Out>(MageFlowFixture.Unique("item"), (i, _) => Task.FromResult(new Out(i.N * 2)));
        var calls = new Probe<PrevIn>();
        var cb = client.Task<PrevIn, Out>(MageFlowFixture.Unique("cb"), (i, _) =>
        {
            calls.Record(i);
            return Task.FromResult(new Out(0));
        });
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var callback = await mf.SignAsync(cb, new { tag = "rv" });
        var sig = await mf.SignAsync(item, new { n = 4 }, successCallbacks: [callback]);
        await sig.RunNoWaitAsync();

        var received = await calls.First;
        Assert.Equal(new Out(8), received.Prev);
        Assert.Null(received.MageflowResults);
        Assert.Equal("rv", received.Tag);
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
    }

    [Fact]
    public async Task SignAsync_TaskFailsForGood_ErrorCallbackGetsOriginalMessageOnceAfterRetries()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var attempts = 0;
        var failing = client.Task<In, Out>(
            MageFlowFixture.Unique("fail"),
            (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("boom");
            },
            new TaskOptions { Retries = 2 });
        var errors = new Probe<ResultIn>();
        var onError = client.Task<ResultIn, Out>(MageFlowFixture.Unique("onerr"), (i, _) =>
        {
            errors.Record(i);
            return Task.FromResult(new Out(0));
        });
        var successes = new Probe<ResultIn>();
        var onSuccess = client.Task<ResultIn, Out>(MageFlowFixture.Unique("onok"), (i, _) =>
        {
            successes.Record(i);
            return Task.FromResult(new Out(0));
        });
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

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
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal(3, Volatile.Read(ref attempts));
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
    }

    [Fact]
    public async Task RunNoWaitAsync_Signature_EngineOutputWrappedInHatchetResults()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var item = client.Task<In, Out>(MageFlowFixture.Unique("item"), (i, _) => Task.FromResult(new Out(i.N + 1)));
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var sig = await mf.SignAsync(item);
        Assert.Equal(new Out(11), await sig.RunAsync<Out>(new { n = 10 }).WaitAsync(Wait));

        string runId = (await fixture.Redis.GetDatabase().HashGetAsync(MageFlowFixture.SigKey(prefix, sig.Id), "run"))!;
        Assert.False(string.IsNullOrEmpty(runId));
        var raw = await client.Runs.Get(runId).ResultAsync().WaitAsync(Wait);
        var output = Assert.Single(raw.Outputs).Value;
        Assert.Equal(JsonValueKind.Object, output.ValueKind);
        Assert.Equal(11, output.GetProperty("hatchet_results").GetProperty("value").GetInt32());
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
    }

    [Fact]
    public async Task RunAsync_PlainRunOnMageflowWorker_OutputUntouchedAndNothingStored()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var item = client.Task<In, Out>(MageFlowFixture.Unique("item"), (i, _) => Task.FromResult(new Out(i.N * 3)));
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var run = await item.RunNoWaitAsync(new In(5));
        var raw = await run.ResultAsync().WaitAsync(Wait);
        var output = Assert.Single(raw.Outputs).Value;
        Assert.False(output.TryGetProperty("hatchet_results", out _));
        Assert.Equal(15, output.GetProperty("value").GetInt32());
        Assert.Equal(new Out(15), await item.RunAsync(new In(5)).WaitAsync(Wait));

        var server = fixture.Redis.GetServers()[0];
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: MageFlowFixture.Keys(prefix).Prefix + ":*"))
        {
            keys.Add((string)key!);
        }

        Assert.DoesNotContain(keys, k => k.Contains(":sig:", StringComparison.Ordinal) || k.Contains(":run:", StringComparison.Ordinal));
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
    }

    [Fact]
    public async Task SignAsync_UnregisteredName_ThrowsStateExceptionNamingTask()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        _ = client.Task<In, Out>(MageFlowFixture.Unique("item"), (i, _) => Task.FromResult(new Out(i.N)));
        await using var mf = await fixture.AttachAsync(client, prefix);
        var name = MageFlowFixture.Unique("nobody-serves");

        var e = await Assert.ThrowsAsync<MageFlowStateException>(() => mf.SignAsync(name));
        Assert.Equal("unregistered", e.Reason);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
    }

    [Fact]
    public async Task RegisterExternalTasksAsync_ExternalName_BecomesSignableAndRuns()
    {
        var prefix = MageFlowFixture.NewPrefix();
        var name = MageFlowFixture.Unique("external");

        // Another "language": a worker without MageFlow serves the task; this process only signs it by name.
        await using var external = fixture.NewClient();
        _ = external.Task<In, Out>(name, (i, _) => Task.FromResult(new Out(i.N + 100)));
        await using var externalWorker = external.Worker(MageFlowFixture.Unique("w"), 10);
        await externalWorker.StartAsync();

        await using var client = fixture.NewClient();
        await using var mf = await fixture.AttachAsync(client, prefix);
        await Assert.ThrowsAsync<MageFlowStateException>(() => mf.SignAsync(name));

        await mf.RegisterExternalTasksAsync([name]);
        var sig = await mf.SignAsync(name, new { n = 1 });

        Assert.Equal(name, sig.Name);
        Assert.Equal(new Out(101), await sig.RunAsync<Out>().WaitAsync(Wait));
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
    }

    [Fact]
    public async Task RunNoWaitAsync_ChildSpawnedInsideSignatureTask_DoesNotInheritTaskId()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var childMetadata = new Probe<string>();
        var child = client.Task<In, Out>(MageFlowFixture.Unique("child"), (i, ctx) =>
        {
            childMetadata.Record(ctx.AdditionalMetadata.TryGetValue("task_id", out var v) ? v.ToString() : string.Empty);
            return Task.FromResult(new Out(i.N + 1));
        });
        var parent = client.Task<In, ChildRun>(MageFlowFixture.Unique("parent"), async (i, _) =>
        {
            var run = await child.RunNoWaitAsync(new In(i.N));
            var output = await run.ResultAsync<Out>();
            return new ChildRun(run.RunId, output.Value);
        });
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var sig = await mf.SignAsync(parent);
        var result = await sig.RunAsync<ChildRun>(new { n = 1 }).WaitAsync(Wait);

        Assert.Equal(string.Empty, await childMetadata.First);
        Assert.Equal(2, result.Value);
        var raw = await client.Runs.Get(result.RunId).ResultAsync().WaitAsync(Wait);
        var output = Assert.Single(raw.Outputs).Value;
        Assert.False(output.TryGetProperty("hatchet_results", out _), $"the child ran as a signature: {output}");
        Assert.Equal(SignatureStatus.Done, await sig.GetStatusAsync());
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
    }

    public sealed record ChildRun(string RunId, int Value);
}

using MageFlow.Hatchet.Orchestration;

namespace MageFlow.Hatchet.Tests.Orchestration;

[Collection(MageFlowCollection.Name)]
public sealed class ChainTests(MageFlowFixture fixture)
{
    private static readonly TimeSpan Wait = MageFlowFixture.Wait;

    [Fact]
    public async Task RunAsync_Chain_PassesResultsAlongAndCallbacksGetLastResult()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var first = client.Task<In, Out>(MageFlowFixture.Unique("add1"), (i, _) => Task.FromResult(new Out(i.N + 1)));
        var second = client.Task<ResultIn, Out>(MageFlowFixture.Unique("times10"), (i, _) => Task.FromResult(new Out(i.MageflowResults!.Value * 10)));
        var third = client.Task<PrevIn, Out>(MageFlowFixture.Unique("minus3"), (i, _) => Task.FromResult(new Out(i.Prev!.Value - 3)));
        var successes = new Probe<ResultIn>();
        var onSuccess = client.Task<ResultIn, Out>(MageFlowFixture.Unique("onok"), (i, _) =>
        {
            successes.Record(i);
            return Task.FromResult(new Out(0));
        });
        var errors = new Probe<ResultIn>();
        var onError = client.Task<ResultIn, Out>(MageFlowFixture.Unique("onerr"), (i, _) =>
        {
            errors.Record(i);
            return Task.FromResult(new Out(0));
        });
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var successCallback = await mf.SignAsync(onSuccess);
        var chain = await mf.ChainAsync(
            [await mf.SignAsync(first), await mf.SignAsync(second), await mf.SignAsync(third)],
            successCallbacks: [successCallback],
            errorCallbacks: [await mf.SignAsync(onError)]);

        Assert.StartsWith("chain-task:", chain.Name, StringComparison.Ordinal);
        Assert.Equal(new Out(57), await chain.RunAsync<Out>(new { n = 5 }).WaitAsync(Wait));
        Assert.Equal(new Out(57), (await successes.First).MageflowResults);
        await successCallback.ResultAsync<Out>().WaitAsync(Wait);
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal(1, successes.Count);
        Assert.Equal(0, errors.Count);
    }

    [Fact]
    public async Task RunAsync_MiddleTaskFails_ErrorCallbacksOnceAndRestCanceled()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var first = client.Task<In, Out>(MageFlowFixture.Unique("first"), (i, _) => Task.FromResult(new Out(i.N + 1)));
        var middle = client.Task<ResultIn, Out>(MageFlowFixture.Unique("middle"), (_, _) => throw new InvalidOperationException("middle broke"));
        var lastRuns = 0;
        var last = client.Task<ResultIn, Out>(MageFlowFixture.Unique("last"), (_, _) =>
        {
            Interlocked.Increment(ref lastRuns);
            return Task.FromResult(new Out(0));
        });
        var successes = new Probe<ResultIn>();
        var onSuccess = client.Task<ResultIn, Out>(MageFlowFixture.Unique("onok"), (i, _) =>
        {
            successes.Record(i);
            return Task.FromResult(new Out(0));
        });
        var errors = new Probe<ResultIn>();
        var onError = client.Task<ResultIn, Out>(MageFlowFixture.Unique("onerr"), (i, _) =>
        {
            errors.Record(i);
            return Task.FromResult(new Out(0));
        });
        await using var mf = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

        var errorCallback = await mf.SignAsync(onError, new { tag = "chain-err" });
        var tail1 = await mf.SignAsync(last);
        var tail2 = await mf.SignAsync(last);
        var chain = await mf.ChainAsync(
            [await mf.SignAsync(first), await mf.SignAsync(middle), tail1, tail2],
            name: "broken",
            successCallbacks: [await mf.SignAsync(onSuccess)],
            errorCallbacks: [errorCallback]);

        Assert.Equal("chain-task:broken", chain.Name);
        var failed = await Assert.ThrowsAsync<SignatureFailedException>(() => chain.RunAsync<Out>(new { n = 1 }).WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Failed, failed.Status);
        Assert.Contains("middle broke", failed.Error, StringComparison.Ordinal);
        Assert.Equal("chain-err", (await errors.First).Tag);
        await errorCallback.ResultAsync<Out>().WaitAsync(Wait);
        Assert.Equal(SignatureStatus.Canceled, await tail1.GetStatusAsync());
        Assert.Equal(SignatureStatus.Canceled, await tail2.GetStatusAsync());
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
        Assert.Equal(0, Volatile.Read(ref lastRuns));
    }
}

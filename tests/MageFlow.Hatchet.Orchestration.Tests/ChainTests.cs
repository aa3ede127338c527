namespace MageFlow.Hatchet.Orchestration.Tests;

[Collection(MageFlowCollection.Name)]
public sealed class ChainTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RunAsync_Chain_PassesResultsAlongAndCallbacksGetLastResult()
    {
        await using var h = fixture.Flow();
        var first = h.Task<In, Out>("add1", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var second = h.Task<ResultIn, Out>("times10", (i, _) => Task.FromResult(new Out(i.MageflowResults!.Value * 10)));
        var third = h.Task<PrevIn, Out>("minus3", (i, _) => Task.FromResult(new Out(i.Prev!.Value - 3)));
        var (onSuccess, successes) = h.Recorder<ResultIn, Out>("onok", new Out(0));
        var (onError, errors) = h.Recorder<ResultIn, Out>("onerr", new Out(0));
        var mf = await h.StartAsync(slots: 20);

        var successCallback = await mf.SignAsync(onSuccess);
        var chain = await mf.ChainAsync(
            [await mf.SignAsync(first), await mf.SignAsync(second), await mf.SignAsync(third)],
            successCallbacks: [successCallback],
            errorCallbacks: [await mf.SignAsync(onError)]);

        Assert.StartsWith("chain-task:", chain.Name, StringComparison.Ordinal);
        Assert.Equal(new Out(57), await chain.RunAsync<Out>(new { n = 5 }).WaitAsync(Wait));
        Assert.Equal(new Out(57), (await successes.First).MageflowResults);
        await successCallback.ResultAsync<Out>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, successes.Count);
        Assert.Equal(0, errors.Count);
    }

    [Fact]
    public async Task RunAsync_MiddleTaskFails_ErrorCallbacksOnceAndRestCanceled()
    {
        await using var h = fixture.Flow();
        var first = h.Task<In, Out>("first", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var middle = h.Task<ResultIn, Out>("middle", (_, _) => throw new InvalidOperationException("middle broke"));
        var lastRuns = 0;
        var last = h.Task<ResultIn, Out>("last", (_, _) =>
        {
            Interlocked.Increment(ref lastRuns);
            return Task.FromResult(new Out(0));
        });
        var (onSuccess, successes) = h.Recorder<ResultIn, Out>("onok", new Out(0));
        var (onError, errors) = h.Recorder<ResultIn, Out>("onerr", new Out(0));
        var mf = await h.StartAsync(slots: 20);

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
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, errors.Count);
        Assert.Equal(0, successes.Count);
        Assert.Equal(0, Volatile.Read(ref lastRuns));
    }
}

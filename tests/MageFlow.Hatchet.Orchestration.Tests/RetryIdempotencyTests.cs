namespace MageFlow.Hatchet.Orchestration.Tests;

[Collection(MageFlowCollection.Name)]
public sealed class RetryIdempotencyTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task SignAsync_InsideRetriedTaskBody_ReplaysSameIdsAndChildrenRunOnce()
    {
        await using var h = fixture.Flow();
        var childRuns = new ConcurrentDictionary<int, int>();
        var child = h.Task<In, Out>("child", (i, _) =>
        {
            childRuns.Increment(i.N);
            return Task.FromResult(new Out(i.N * 100));
        });
        var idsByAttempt = new ConcurrentDictionary<int, List<string>>();
        var parent = h.Task<In, Out>(
            "parent",
            async (i, ctx) =>
            {
                var ids = new List<string>();
                for (var n = 0; n < 3; n++)
                {
                    var sig = await h.MageFlow.SignAsync(child, new { n });
                    ids.Add(sig.Id);
                    await sig.RunNoWaitAsync();
                }

                idsByAttempt[ctx.RetryCount] = ids;
                if (ctx.RetryCount == 0)
                {
                    throw new InvalidOperationException("the first attempt fails after creating its children");
                }

                return new Out(ids.Count);
            },
            new TaskOptions { Retries = 1 });
        var mf = await h.StartAsync(slots: 20);

        var parentSig = await mf.SignAsync(parent);
        Assert.Equal(new Out(3), await parentSig.RunAsync<Out>(new { n = 0 }).WaitAsync(Wait));

        Assert.Equal(2, idsByAttempt.Count);
        Assert.Equal(idsByAttempt[0], idsByAttempt[1]);
        Assert.Equal(3, idsByAttempt[0].Distinct().Count());
        for (var n = 0; n < 3; n++)
        {
            var sig = Assert.IsType<TaskSignature>(await mf.GetAsync(idsByAttempt[0][n]));
            Assert.Equal(new Out(n * 100), await sig.ResultAsync<Out>().WaitAsync(Wait));
        }

        await h.AssertRedisCleanAsync();
        Assert.Equal([0, 1, 2], childRuns.Keys.Order());
        Assert.All(childRuns.Values, c => Assert.Equal(1, c));
    }
}

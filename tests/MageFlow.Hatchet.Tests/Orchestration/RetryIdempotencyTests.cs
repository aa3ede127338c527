using System.Collections.Concurrent;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests.Orchestration;

[Collection(MageFlowCollection.Name)]
public sealed class RetryIdempotencyTests(MageFlowFixture fixture)
{
    private static readonly TimeSpan Wait = MageFlowFixture.Wait;

    [Fact]
    public async Task SignAsync_InsideRetriedTaskBody_ReplaysSameIdsAndChildrenRunOnce()
    {
        var prefix = MageFlowFixture.NewPrefix();
        await using var client = fixture.NewClient();
        var childRuns = new ConcurrentDictionary<int, int>();
        var child = client.Task<In, Out>(MageFlowFixture.Unique("child"), (i, _) =>
        {
            childRuns.AddOrUpdate(i.N, 1, (_, c) => c + 1);
            return Task.FromResult(new Out(i.N * 100));
        });
        var idsByAttempt = new ConcurrentDictionary<int, List<string>>();
        MageFlowClient? mageflow = null;
        var parent = client.Task<In, Out>(
            MageFlowFixture.Unique("parent"),
            async (i, ctx) =>
            {
                var ids = new List<string>();
                for (var n = 0; n < 3; n++)
                {
                    var sig = await mageflow!.SignAsync(child, new { n });
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
        await using var mf = mageflow = await fixture.AttachAsync(client, prefix);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 20);
        await worker.StartAsync();

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

        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal([0, 1, 2], childRuns.Keys.Order());
        Assert.All(childRuns.Values, c => Assert.Equal(1, c));
    }
}

using System.Text.Json.Serialization;
using NodeScript = MageFlow.Hatchet.TestUtils.NodeScript;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Tests.Orchestration;

namespace MageFlow.Hatchet.Tests.RootTasks;

/// <summary>
/// A C# root task whose children are served only by a worker of the official TypeScript SDK (tests/interop/ts/sdk-worker.js).
/// Node.js and the interop package are required: without them the test fails, never skips.
/// </summary>
[Collection(RootTaskProcessesCollection.Name)]
public sealed class RootTaskTypeScriptTests(MageFlowFixture fixture)
{
    private static readonly TimeSpan Wait = MageFlowFixture.Wait;

    public sealed record GreetOut(string Greeting, int Doubled, string Language);

    public sealed record GreetingsIn([property: JsonPropertyName("mageflow_results")] List<GreetOut>? Results);

    [Fact]
    public async Task RootBody_TriggersTaskServedOnlyByTypeScriptWorker_CallbackGetsTypeScriptResults()
    {
        const int Limit = 2;
        var prefix = MageFlowFixture.NewPrefix();
        var names = SdkFixture.Unique("rts");
        var greet = $"{names}-ts-greet";
        await using var ts = NodeScript.Start(fixture.Engine, "sdk-worker.js", names);
        await ts.WaitForAsync("ready", Wait);

        await using var client = fixture.NewClient();
        MageFlowClient? mageflow = null;
        var callbacks = new Probe<GreetingsIn>();
        var onDone = client.Task<GreetingsIn, int>(MageFlowFixture.Unique("done"), (i, _) =>
        {
            callbacks.Record(i);
            return Task.FromResult(i.Results?.Count ?? -1);
        });
        var root = client.Task<RootIn, RootOut>(MageFlowFixture.Unique("root"), async (input, ctx) =>
        {
            // Plain SDK triggers by name of a task this process does not serve...
            for (var n = 0; n < 3; n++)
            {
                var run = await client.RunNoWaitAsync(greet, new { name = $"child{n}", count = n }, cancellationToken: ctx.CancellationToken);
                Assert.NotNull(run.QueuedAs);
            }

            // ...and a MageFlow signature of it (signable once recorded as external).
            await (await mageflow!.SignAsync(greet)).RunNoWaitAsync(new { name = "signed", count = 10 });
            return new RootOut(4);
        }).AsRoot(maxConcurrency: Limit);
        await using var mf = mageflow = await fixture.AttachAsync(client, prefix);
        await mf.RegisterExternalTasksAsync([greet]);
        await using var worker = client.Worker(MageFlowFixture.Unique("w"), 10);
        await worker.StartAsync();

        var callback = await mf.SignAsync(onDone);
        var rootSig = await mf.SignAsync(root, successCallbacks: [callback]);
        await rootSig.RunNoWaitAsync(new RootIn(0));

        var got = (await callbacks.First).Results!;
        Assert.Equal(
            [
                new GreetOut("hello child0 from typescript", 0, "typescript"),
                new GreetOut("hello child1 from typescript", 2, "typescript"),
                new GreetOut("hello child2 from typescript", 4, "typescript"),
                new GreetOut("hello signed from typescript", 20, "typescript"),
            ],
            got);
        Assert.Equal(4, await callback.ResultAsync<int>().WaitAsync(Wait));

        // Each child ran once, in TypeScript.
        var runs = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            runs.Add((await ts.WaitForAsync("greet", Wait)).GetProperty("runId").GetString()!);
        }

        Assert.Equal(4, runs.Count);
        await RedisAssert.AssertRedisCleanAsync(fixture.Redis, prefix, MageFlowFixture.DoneTtl);
        Assert.Equal(1, callbacks.Count);
    }
}

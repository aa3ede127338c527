using System.Text.Json.Serialization;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>
/// A C# root task whose children are served only by a worker of the official TypeScript SDK (tests/interop/ts/sdk-worker.js).
/// Node.js and the interop package are required: without them the test fails, never skips.
/// </summary>
[Collection(RootTaskProcessesCollection.Name)]
public sealed class RootTaskTypeScriptTests(MageFlowFixture fixture)
{
    public sealed record GreetOut(string Greeting, int Doubled, string Language);

    public sealed record GreetingsIn([property: JsonPropertyName("mageflow_results")] List<GreetOut>? Results);

    [Fact]
    public async Task RootBody_TriggersTaskServedOnlyByTypeScriptWorker_CallbackGetsTypeScriptResults()
    {
        const int Limit = 2;
        var names = Names.Unique("rts");
        var greet = $"{names}-ts-greet";
        await using var ts = NodeScript.Start(fixture.Engine, "sdk-worker.js", names);
        await ts.WaitForAsync("ready", Wait);

        await using var h = fixture.Flow();
        var (onDone, callbacks) = h.Recorder<GreetingsIn, int>("done", i => i.Results?.Count ?? -1);
        var root = h.Task<RootIn, RootOut>("root", async (input, ctx) =>
        {
            // Plain SDK triggers by name of a task this process does not serve...
            for (var n = 0; n < 3; n++)
            {
                var run = await h.Client.RunNoWaitAsync(greet, new { name = $"child{n}", count = n }, cancellationToken: ctx.CancellationToken);
                Assert.NotNull(run.QueuedAs);
            }

            // ...and a MageFlow signature of it (signable once recorded as external).
            await (await h.MageFlow.SignAsync(greet)).RunNoWaitAsync(new { name = "signed", count = 10 });
            return new RootOut(4);
        }).AsRoot(maxConcurrency: Limit);
        var mf = await h.AttachAsync();
        await mf.RegisterExternalTasksAsync([greet]);
        await h.StartWorkerAsync(slots: 10);

        var (rootSig, callback) = await RootRuns.StartAsync(mf, root, new RootIn(0), onDone);

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
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, callbacks.Count);
    }
}

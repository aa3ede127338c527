using MageFlow.Hatchet.Orchestration.Tests.RootTasks;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>How results reach callbacks: the default field binds to <c>MageflowResults</c> without attributes, and an
/// input that cannot bind fails loudly, once.</summary>
[Collection(MageFlowCollection.Name)]
public sealed class ResultBindingTests(MageFlowFixture fixture)
{
    /// <summary>A callback input with the default field by convention: no attribute, camelCase JSON naming.</summary>
    public sealed record TaggedResultIn(string? Tag, Out? MageflowResults);

    /// <summary>A root callback that expects a flat list of child outputs.</summary>
    public sealed record FlatResultsIn(List<ChildOut>? MageflowResults);

    [Fact]
    public async Task SuccessCallback_PropertyNamedMageflowResults_BindsWithoutAttributeAndWireNameStays()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N * 3)));
        var (onDone, received) = h.Recorder<TaggedResultIn, int>("done", 0);
        var mf = await h.StartAsync(slots: 10);

        var callback = await mf.SignAsync(onDone, new { tag = "kept" });
        await (await mf.SignAsync(item, new { n = 4 }, successCallbacks: [callback])).RunNoWaitAsync();

        Assert.Equal(new TaggedResultIn("kept", new Out(12)), await received.First);

        // The field is the property's JSON name for a C# callback; a task known only by name (Python, TypeScript) gets
        // mageflow_results, the name their SDKs read.
        await callback.ResultAsync<int>().WaitAsync(Wait);
        Assert.Equal("mageflowResults", (await RootTaskAssert.FieldsAsync(h, callback.Id, "rf"))["rf"]);
        var external = Names.Unique("py-callback");
        await mf.RegisterExternalTasksAsync([external]);
        var byName = await mf.SignAsync(external);
        Assert.Equal("mageflow_results", (await RootTaskAssert.FieldsAsync(h, byName.Id, "rf"))["rf"]);
        await byName.CancelAsync();
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task RootCallback_NestedRootResultIntoFlatList_FailsOnceWithErrorLogNamingTaskFieldAndShapes()
    {
        var logs = new CapturingLoggerFactory();
        var runs = 0;
        await using var h = fixture.Flow(o => o.LoggerFactory = logs);
        var child = h.Task<ChildIn, ChildOut>("child", (i, _) => Task.FromResult(new ChildOut(i.N)));
        var inner = h.Task<RootIn, RootOut>("inner", async (input, _) =>
        {
            await child.RunNoWaitAsync(new ChildIn(2));
            return new RootOut(1);
        }).AsRoot(maxConcurrency: 2);
        var onDone = h.Task<FlatResultsIn, int>(
            "flat",
            (_, _) =>
            {
                Interlocked.Increment(ref runs);
                return Task.FromResult(0);
            },
            new TaskOptions { Retries = 3 });
        var outer = h.Task<RootIn, RootOut>("outer", async (input, _) =>
        {
            await child.RunNoWaitAsync(new ChildIn(1));
            await inner.RunNoWaitAsync(new RootIn(0));
            return new RootOut(2);
        }).AsRoot(maxConcurrency: 2, successCallbacks: [onDone]);
        var mf = await h.StartAsync(slots: 20);

        var root = await mf.SignAsync(outer);
        await root.RunNoWaitAsync(new RootIn(0));
        await root.Flow.WaitAsync().WaitAsync(Wait);

        // The callback's signature fails (the results list holds a list where a ChildOut belongs), without retries.
        var swarmId = await RootTaskAssert.RootSwarmIdAsync(h, root.Id);
        var callbackId = (await RootTaskAssert.FieldsAsync(h, swarmId, "succ"))["succ"]!;
        Assert.Equal(SignatureStatus.Failed, await RootTaskAssert.FinalStatusAsync(mf, callbackId));
        var logged = Assert.Single(logs.Named("InputBindingFailed"));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains(onDone.WorkflowName, logged.Message, StringComparison.Ordinal);
        Assert.Contains("field $.mageflowResults[1] should be an object (" + typeof(ChildOut).FullName + ") but is an array of 1", logged.Message, StringComparison.Ordinal);
        Assert.Equal(0, runs);
        await h.AssertRedisCleanAsync();
    }
}

using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Orchestration.Flows;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MageFlow.Hatchet.Orchestration.Viewer.Tests;

/// <summary>The viewer's JSON model over real flows: a root with nested roots, chains and swarms, statuses, paging, and
/// who may act.</summary>
[Collection(ViewerCollection.Name)]
public sealed class ViewerApiTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task FlowTree_RootWithNestedRootChainSwarmAndCallback_ShowsEveryKindWithStatusesAndEdges()
    {
        await using var h = fixture.Flow();
        var leaf = h.Task<ItemIn, ItemOut>("leaf", (i, _) => Task.FromResult(new ItemOut(i.N)));
        var inner = h.Task<ItemIn, ItemOut>("inner-root", async (i, _) =>
        {
            await leaf.RunNoWaitAsync(new ItemIn(1));
            await leaf.RunNoWaitAsync(new ItemIn(2));
            return new ItemOut(2);
        }).AsRoot(maxConcurrency: 2);
        var (report, reports) = h.Recorder<JsonElement, int>("report", 1);
        var outer = h.Task<ItemIn, ItemOut>("outer-root", async (i, _) =>
        {
            var mf = MageFlowClient.Current;
            await leaf.RunNoWaitAsync(new ItemIn(10));
            await inner.RunNoWaitAsync(new ItemIn(20));
            await (await mf.ChainAsync([await leaf.SignAsync(), await leaf.SignAsync()], name: "two-steps")).RunNoWaitAsync(new ItemIn(30));
            await (await mf.SwarmAsync([await leaf.SignAsync(), await leaf.SignAsync(), await leaf.SignAsync()], name: "three-wide", closed: true)).RunNoWaitAsync(new ItemIn(40));
            return new ItemOut(4);
        }).AsRoot(maxConcurrency: 4);
        var mageFlow = await h.StartAsync(slots: 20);
        await using var viewer = await ViewerHost.StartAsync(mageFlow);

        var root = await outer.SignAsync(successCallbacks: [await report.SignAsync()]);
        await root.RunNoWaitAsync(new ItemIn(0));
        Assert.Equal(FlowStatus.Done, (await root.Flow.WaitAsync().WaitAsync(Wait)).Status);
        await reports.First;

        var flows = await viewer.GetJsonAsync("api/flows");
        var flow = Assert.Single(flows.GetProperty("items").EnumerateArray(), f => f.GetProperty("id").GetString() == root.Id);
        Assert.Equal("root", flow.GetProperty("kind").GetString());
        Assert.Equal("done", flow.GetProperty("status").GetString());
        Assert.Equal(4, flow.GetProperty("progress").GetProperty("total").GetInt32());
        Assert.Equal(4, flow.GetProperty("progress").GetProperty("done").GetInt32());

        var node = await viewer.NodeAsync(root.Id);
        Assert.Equal("root", node.GetProperty("summary").GetProperty("kind").GetString());
        Assert.Equal("done", node.GetProperty("summary").GetProperty("bodyStatus").GetString());
        var children = node.GetProperty("children").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["chain", "root", "swarm", "task"], children.Select(c => c.GetProperty("kind").GetString()).Order());
        Assert.All(children, c => Assert.Equal("done", c.GetProperty("status").GetString()));
        var callback = Assert.Single(node.GetProperty("successCallbacks").EnumerateArray());
        Assert.Equal("done", callback.GetProperty("status").GetString());
        Assert.Empty(node.GetProperty("errorCallbacks").EnumerateArray());

        // The nested root is listed by its swarm, and shows its body and its own two children.
        var nested = await viewer.NodeAsync(children.Single(c => c.GetProperty("kind").GetString() == "root").GetProperty("id").GetString()!);
        Assert.StartsWith("inner-root", nested.GetProperty("summary").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal("done", nested.GetProperty("summary").GetProperty("bodyStatus").GetString());
        Assert.Equal(2, nested.GetProperty("children").GetProperty("total").GetInt32());

        var chain = await viewer.NodeAsync(children.Single(c => c.GetProperty("kind").GetString() == "chain").GetProperty("id").GetString()!);
        Assert.Equal("two-steps", chain.GetProperty("summary").GetProperty("name").GetString());
        Assert.Equal(2, chain.GetProperty("children").GetProperty("items").GetArrayLength());
        var swarm = await viewer.NodeAsync(children.Single(c => c.GetProperty("kind").GetString() == "swarm").GetProperty("id").GetString()!);
        Assert.Equal(3, swarm.GetProperty("summary").GetProperty("progress").GetProperty("done").GetInt32());

        // A task's detail: its run, input and result, and when it ran.
        var task = await viewer.NodeAsync(children.Single(c => c.GetProperty("kind").GetString() == "task").GetProperty("id").GetString()!);
        Assert.False(string.IsNullOrEmpty(task.GetProperty("summary").GetProperty("runId").GetString()));
        Assert.Equal(10, JsonDocument.Parse(task.GetProperty("input").GetString()!).RootElement.GetProperty("n").GetInt32());
        Assert.Equal(10, JsonDocument.Parse(task.GetProperty("result").GetString()!).RootElement.GetProperty("n").GetInt32());
        Assert.True(task.GetProperty("summary").GetProperty("finishedAt").GetDateTimeOffset() >= task.GetProperty("summary").GetProperty("startedAt").GetDateTimeOffset());

        // With ?engine=true (the detail panel), the engine's view of the run: its task and how often it was retried.
        var withEngine = await viewer.GetJsonAsync($"api/nodes/{task.GetProperty("summary").GetProperty("id").GetString()}?limit=0&engine=true");
        var engineTask = Assert.Single(withEngine.GetProperty("engine").GetProperty("tasks").EnumerateArray());
        Assert.Equal(0, engineTask.GetProperty("retryCount").GetInt32());
        Assert.Equal("completed", engineTask.GetProperty("status").GetString());
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task FlowList_FiltersByStatusAndName_PagesNewestFirst_AndRefusesBadQueries()
    {
        await using var h = fixture.Flow();
        var ok = h.Task<ItemIn, ItemOut>("ok-task", (i, _) => Task.FromResult(new ItemOut(i.N)));
        var bad = h.Task<ItemIn, ItemOut>("bad-task", (_, _) => throw new NonRetryableException("no"));
        var mageFlow = await h.StartAsync(slots: 10);
        await using var viewer = await ViewerHost.StartAsync(mageFlow);
        var started = new List<string>();
        foreach (var task in new WorkflowDeclarationBase[] { ok, ok, bad, ok })
        {
            var sig = await mageFlow.SignAsync(task);
            await sig.RunNoWaitAsync(new ItemIn(1));
            await sig.Flow.WaitAsync().WaitAsync(Wait);
            started.Add(sig.Id);

            // Start times are in milliseconds: keep them apart so that the order is defined.
            await Task.Delay(5);
        }

        var first = await viewer.GetJsonAsync("api/flows?limit=2");
        Assert.Equal(4, first.GetProperty("total").GetInt32());
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        var second = await viewer.GetJsonAsync("api/flows?offset=2&limit=2");
        Assert.False(second.GetProperty("hasMore").GetBoolean());
        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Equal(Enumerable.Reverse(started), ids);

        var failed = await viewer.GetJsonAsync("api/flows?status=failed");
        Assert.Equal(started[2], Assert.Single(failed.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        var named = await viewer.GetJsonAsync("api/flows?name=OK-TASK&status=done,failed");
        Assert.Equal(3, named.GetProperty("items").GetArrayLength());

        using var badStatus = await viewer.Http.GetAsync("api/flows?status=finished");
        Assert.Equal(400, (int)badStatus.StatusCode);
        Assert.Contains("unknown status 'finished'", ErrorOf(await badStatus.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var badLimit = await viewer.Http.GetAsync("api/flows?limit=100000");
        Assert.Equal(400, (int)badLimit.StatusCode);
        using var missing = await viewer.Http.GetAsync("api/nodes/no-such-id");
        Assert.Equal(404, (int)missing.StatusCode);
        using var unknown = await viewer.Http.GetAsync("api/nothing-here");
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Contains("no viewer API", ErrorOf(await unknown.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task Children_LargeSwarm_ArePagedInTheirOrder()
    {
        await using var h = fixture.Flow();
        var item = h.Task<ItemIn, ItemOut>("paged-item", (i, _) => Task.FromResult(new ItemOut(i.N)));
        var mageFlow = await h.AttachAsync();
        await using var viewer = await ViewerHost.StartAsync(mageFlow);
        var items = await mageFlow.SignManyAsync(item, Enumerable.Range(0, 250).Select(n => (object?)new ItemIn(n)));
        var swarm = await mageFlow.SwarmAsync([.. items], name: "big");

        var last = await viewer.NodeAsync(swarm.Id, offset: 200, limit: 100);
        var page = last.GetProperty("children");
        Assert.Equal(250, page.GetProperty("total").GetInt32());
        Assert.False(page.GetProperty("hasMore").GetBoolean());
        Assert.Equal(items.Skip(200).Select(s => s.Id), page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var firstPage = (await viewer.NodeAsync(swarm.Id, offset: 0, limit: 100)).GetProperty("children");
        Assert.True(firstPage.GetProperty("hasMore").GetBoolean());
        Assert.Equal(items.Take(100).Select(s => s.Id), firstPage.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.All(firstPage.GetProperty("items").EnumerateArray(), c => Assert.Equal("pending", c.GetProperty("status").GetString()));
        using var tooMany = await viewer.Http.GetAsync($"api/nodes/{swarm.Id}?limit=5000");
        Assert.Equal(400, (int)tooMany.StatusCode);
        await swarm.CancelAsync();
    }

    [Fact]
    public async Task Actions_ReadOnlyByDefault_PolicyAndDelegateDecide_RetryRunsAFailedTaskAgain()
    {
        await using var h = fixture.Flow();
        var calls = 0;
        var flaky = h.Task<ItemIn, ItemOut>("flaky", (i, _) => Interlocked.Increment(ref calls) == 1 ? throw new NonRetryableException("first time") : Task.FromResult(new ItemOut(i.N)));
        var (onOk, oks) = h.Recorder<JsonElement, int>("flaky-ok", 1);
        var idle = h.Task<ItemIn, ItemOut>("idle", (i, _) => Task.FromResult(new ItemOut(i.N)));
        var mageFlow = await h.StartAsync(slots: 5);
        var pending = await mageFlow.SignAsync(idle);

        await using (var readOnly = await ViewerHost.StartAsync(mageFlow))
        {
            var (status, body) = await readOnly.PostAsync($"api/nodes/{pending.Id}/cancel");
            Assert.Equal(403, status);
            Assert.Contains("read-only", ErrorOf(body), StringComparison.Ordinal);
            Assert.False((await readOnly.GetJsonAsync("api/config")).GetProperty("actionsEnabled").GetBoolean());
        }

        Assert.Equal(SignatureStatus.Pending, await pending.GetStatusAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => ViewerHost.StartAsync(mageFlow, o => o.EnableActions = true));

        // A policy the anonymous caller does not meet refuses every action.
        await using (var byPolicy = await ViewerHost.StartAsync(mageFlow, o => { o.EnableActions = true; o.ActionsPolicy = "ops"; }, s => s.AddAuthorizationBuilder().AddPolicy("ops", p => p.RequireAuthenticatedUser())))
        {
            Assert.Equal(403, (await byPolicy.PostAsync($"api/nodes/{pending.Id}/suspend")).Status);
        }

        Assert.Equal(SignatureStatus.Pending, await pending.GetStatusAsync());

        // A delegate that looks at the request decides per call.
        await using var viewer = await ViewerHost.StartAsync(mageFlow, o =>
        {
            o.EnableActions = true;
            o.AuthorizeAction = (http, _, _) => ValueTask.FromResult(http.Request.Headers["X-Ops"] == "yes");
        });
        Assert.Equal(403, (await viewer.PostAsync($"api/nodes/{pending.Id}/cancel")).Status);
        viewer.Http.DefaultRequestHeaders.Add("X-Ops", "yes");
        Assert.Equal(404, (await viewer.PostAsync($"api/nodes/{pending.Id}/explode")).Status);
        Assert.Equal(204, (await viewer.PostAsync($"api/nodes/{pending.Id}/cancel")).Status);
        Assert.Equal(SignatureStatus.Canceled, await pending.GetStatusAsync());

        // Retry: a failed top-level task runs again, and its success callback fires this time.
        var sig = await mageFlow.SignAsync(flaky, successCallbacks: [await onOk.SignAsync()]);
        await sig.RunNoWaitAsync(new ItemIn(7));
        Assert.Equal(FlowStatus.Failed, (await sig.Flow.WaitAsync().WaitAsync(Wait)).Status);
        Assert.Equal(204, (await viewer.PostAsync($"api/nodes/{sig.Id}/retry")).Status);
        Assert.Equal(FlowStatus.Done, (await sig.Flow.WaitAsync().WaitAsync(Wait)).Status);
        await oks.First;
        Assert.Equal(2, calls);
        var (again, why) = await viewer.PostAsync($"api/nodes/{sig.Id}/retry");
        Assert.Equal(409, again);
        Assert.Contains("has not failed", ErrorOf(why), StringComparison.Ordinal);
        await h.AssertRedisCleanAsync();
    }

    private static string ErrorOf(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
}

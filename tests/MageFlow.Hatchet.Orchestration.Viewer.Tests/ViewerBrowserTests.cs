using System.Globalization;
using System.Text.Json;
using MageFlow.Hatchet.Orchestration.Flows;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.Orchestration.Viewer.Tests;

/// <summary>
/// The viewer's page in a real headless Chromium: the list, a flow's tree, an action, and a 10,000-child swarm. Each
/// test saves screenshots under artifacts/viewer/ (CI keeps them; docs/viewer.md shows them).
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class ViewerBrowserTests(MageFlowFixture fixture, ITestOutputHelper output)
{
    private const int Children = 200;

    [Fact]
    public async Task Browser_RootWith200Children_ListProgressAdvances_FlowShowsStructureEdgesAndFinalStatuses()
    {
        await using var h = fixture.Flow();
        using var release = new SemaphoreSlim(0);
        var child = h.Task<ItemIn, ItemOut>("child", async (i, ctx) =>
        {
            await release.WaitAsync(ctx.CancellationToken);
            return new ItemOut(i.N);
        });
        var step = h.Task<ItemIn, ItemOut>("step", (i, _) => Task.FromResult(new ItemOut(i.N + 1)));
        var (report, reports) = h.Recorder<JsonElement, int>("report", 1);
        var root = h.Task<ItemIn, ItemOut>("fan-out", async (i, _) =>
        {
            var mf = MageFlowClient.Current;
            await (await mf.ChainAsync([await step.SignAsync(), await step.SignAsync()], name: "prepare")).RunNoWaitAsync(new ItemIn(1));
            for (var n = 0; n < Children; n++)
            {
                await child.RunNoWaitAsync(new ItemIn(n));
            }

            return new ItemOut(Children);
        }).AsRoot(maxConcurrency: 20);
        var mageFlow = await h.StartAsync(slots: 40);
        await using var viewer = await ViewerHost.StartAsync(mageFlow);
        using var browser = new HeadlessChromium();

        var sig = await root.SignAsync(successCallbacks: [await report.SignAsync()]);
        await sig.RunNoWaitAsync(new ItemIn(0));
        browser.GoTo(viewer.Address);
        var row = $"tr[data-flow-id='{sig.Id}']";
        browser.Until("the running root with all its children in the list", _ =>
            browser.Attribute(row, "data-status") == "active" && Progress(browser, row, "data-total") == Children + 1);
        var before = Progress(browser, row, "data-done");
        Assert.True(before <= 1, $"only the chain can be done before any child is released, saw {before}");

        // Half the children end: the list's progress bar advances while the page stays open.
        release.Release(Children / 2);
        browser.Until("the progress bar at half", _ => Progress(browser, row, "data-done") >= (Children / 2) + 1);
        output.WriteLine("screenshot: " + browser.Screenshot("viewer-list-progress"));
        release.Release(Children);
        browser.Until("the flow done in the list", _ => browser.Attribute(row, "data-status") == "done");
        Assert.Equal(FlowStatus.Done, (await sig.Flow.WaitAsync().WaitAsync(Wait)).Status);
        await reports.First;

        // The flow: the root, its children (paged), the chain inside it, and the success callback's edge.
        browser.Click(row);
        var rootNode = $".node[data-node-id='{sig.Id}']";
        browser.Until("the root node done", _ => browser.Attribute(rootNode, "data-status") == "done");
        Assert.Equal("root", browser.Attribute(rootNode, "data-kind"));
        Assert.Equal((Children + 1).ToString(CultureInfo.InvariantCulture), browser.Attribute($"[data-children-of='{sig.Id}']", "data-total"));
        Assert.Equal(100, browser.Count($"[data-children-of='{sig.Id}'] > .node"));
        Assert.Equal(0, browser.Count($"[data-children-of='{sig.Id}'] > .node:not([data-status='done'])"));
        var chainId = browser.Attribute($"[data-children-of='{sig.Id}'] > .node[data-kind='chain']", "data-node-id")!;
        browser.Click($".node[data-node-id='{chainId}'] > .row > .toggle");
        browser.Until("the chain's two steps", _ => browser.Count($"[data-children-of='{chainId}'] > .node[data-status='done']") == 2);
        Assert.Equal(1, browser.Count($".edge[data-edge='success'][data-from='{sig.Id}']"));
        browser.Until("the success callback done", _ => browser.Attribute($".node[data-role='callback-success']", "data-status") == "done");

        // The detail panel of one child: its kind, run and result.
        var childId = browser.Attribute($"[data-children-of='{sig.Id}'] > .node[data-kind='task']", "data-node-id")!;
        browser.Click($".node[data-node-id='{childId}'] > .row");
        browser.Until("the child's detail panel", d => d.FindElement(By.CssSelector("#detail pre[data-field='result']")).Displayed);
        Assert.Contains(childId, browser.Driver.FindElement(By.Id("detail")).Text, StringComparison.Ordinal);
        output.WriteLine("screenshot: " + browser.Screenshot("viewer-flow-tree"));
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task Browser_CancelARunningSwarmFromThePage_ItsQueuedChildrenBecomeCanceled()
    {
        await using var h = fixture.Flow();
        using var gate = new Gate();
        var item = h.Task<ItemIn, ItemOut>("slow", async (i, ctx) =>
        {
            await gate.PassAsync(ctx.CancellationToken);
            return new ItemOut(i.N);
        });
        var mageFlow = await h.StartAsync(slots: 10);
        await using var viewer = await ViewerHost.StartAsync(mageFlow, o =>
        {
            o.EnableActions = true;
            o.AuthorizeAction = (_, _, _) => ValueTask.FromResult(true);
        });
        using var browser = new HeadlessChromium();
        var items = await mageFlow.SignManyAsync(item, Enumerable.Range(0, 8).Select(n => (object?)new ItemIn(n)));
        var swarm = await mageFlow.SwarmAsync([.. items], new SwarmConfig(MaxConcurrency: 2), name: "cancel-me", closed: true);
        await swarm.RunNoWaitAsync(new ItemIn(0));
        await gate.ArrivalsAsync(2);

        browser.GoTo(new Uri(viewer.Address, "#/flow/" + swarm.Id));
        var children = $"[data-children-of='{swarm.Id}']";
        browser.Until("two running and six queued items", _ =>
            browser.Count($"{children} > .node[data-status='active']") == 2 && browser.Count($"{children} > .node[data-status='pending']") == 6);
        browser.Click($".node[data-node-id='{swarm.Id}'] > .row");
        browser.Until("the cancel button", d => d.FindElement(By.CssSelector("#detail button[data-action='cancel']")).Displayed);
        browser.Click("#detail button[data-action='cancel']");

        browser.Until("the swarm and its queued items canceled", _ =>
            browser.Attribute($".node[data-node-id='{swarm.Id}']", "data-status") == "canceled" &&
            browser.Count($"{children} > .node[data-status='canceled']") >= 6);
        Assert.Equal(0, browser.Count($"{children} > .node[data-status='pending']"));
        var counts = $".node[data-node-id='{swarm.Id}'] > .row .progress";
        browser.Until("the swarm's counts: nothing queued or running, all canceled", _ =>
            browser.Attribute(counts, "data-queued") == "0" && browser.Attribute(counts, "data-running") == "0" && browser.Attribute(counts, "data-canceled") == "8");
        output.WriteLine("screenshot: " + browser.Screenshot("viewer-cancel"));
        Assert.Equal(2, gate.Entered);
        gate.Open();
        foreach (var queued in items.Skip(2))
        {
            Assert.Equal(SignatureStatus.Canceled, await queued.GetStatusAsync());
        }
    }

    [Fact]
    public async Task Browser_TenThousandChildSwarm_FirstScreenAndUpdateLatencyAreMeasured()
    {
        await using var h = fixture.Flow();
        using var gate = new Gate();
        var ended = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        var item = h.Task<ItemIn, ItemOut>("wide", async (i, ctx) =>
        {
            await gate.PassAsync(ctx.CancellationToken);
            ended[i.N] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            return new ItemOut(i.N);
        });
        var mageFlow = await h.StartAsync(slots: 4);
        await using var viewer = await ViewerHost.StartAsync(mageFlow);
        using var browser = new HeadlessChromium();
        var items = await mageFlow.SignManyAsync(item, Enumerable.Range(0, 10_000).Select(n => (object?)new ItemIn(n)));
        var swarm = await mageFlow.SwarmAsync([.. items], new SwarmConfig(MaxConcurrency: 1), name: "ten-thousand", closed: true);
        await swarm.RunNoWaitAsync(new ItemIn(0));
        await gate.ArrivalsAsync(1);

        // First screen: from the navigation's start to the first page of children drawn, by the page's own clock.
        browser.GoTo(new Uri(viewer.Address, "#/flow/" + swarm.Id));
        var children = $"[data-children-of='{swarm.Id}']";
        browser.Until("the first 100 of 10,000 children", _ => browser.Count($"{children} > .node") == 100);
        var firstScreen = Convert.ToDouble(browser.Script("return performance.now();"), CultureInfo.InvariantCulture);
        var drawnAt = Convert.ToDouble(browser.Script("return Number(document.body.dataset.firstFlowRenderMs);"), CultureInfo.InvariantCulture);
        Assert.Equal("10000", browser.Attribute(children, "data-total"));
        output.WriteLine("screenshot: " + browser.Screenshot("viewer-ten-thousand"));

        // Update latency: from a child's end (its handler returned) to its node's new colour in the page.
        var latencies = new List<long>();
        for (var n = 0; n < 3; n++)
        {
            browser.Script(
                "window.__doneAt = 0; const id = arguments[0];" +
                "new MutationObserver((_, o) => { if (document.querySelector(`.node[data-node-id='${id}'][data-status='done']`)) { window.__doneAt = Date.now(); o.disconnect(); } })" +
                ".observe(document.body, { subtree: true, childList: true, attributes: true });", items[n].Id);
            gate.Release(1);
            browser.Until($"child {n} done in the page", _ => Convert.ToInt64(browser.Script("return window.__doneAt;"), CultureInfo.InvariantCulture) > 0);
            var doneAt = Convert.ToInt64(browser.Script("return window.__doneAt;"), CultureInfo.InvariantCulture);
            latencies.Add(doneAt - ended[n]);
            await gate.ArrivalsAsync(1);
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"viewer: first_screen_ms={drawnAt:0} (10000 children; page ready at {firstScreen:0} ms) update_latency_ms={string.Join('/', latencies)} poll_ms=1000");
        output.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(HeadlessChromium.ArtifactsDirectory, "figures.txt"), line + Environment.NewLine);
        Assert.True(drawnAt > 0, "the page records when it first drew the flow");
        Assert.All(latencies, l => Assert.True(l >= 0, $"a node turned done before its child ended ({l} ms)"));
        gate.Open();
        await swarm.CancelAsync();
    }

    private static int Progress(HeadlessChromium browser, string row, string attribute) =>
        int.TryParse(browser.Attribute(row + " .progress", attribute), out var n) ? n : -1;
}

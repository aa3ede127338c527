using System.Diagnostics;
using MageFlow.Hatchet.Orchestration.Flows;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>
/// A root task's children join its trace however they start: signed or captured plain triggers, started at once or
/// queued in the root swarm and started later by whichever end frees a slot. Each signature keeps the context of
/// where it was made, and its run's producer span (<c>mageflow.publish</c>) continues it.
/// </summary>
[Collection(RootTasksCollection.Name)]
public sealed class RootTaskTracingTests(MageFlowFixture fixture, ITestOutputHelper output)
{
    private const string RunSpan = "hatchet.start_step_run";

    [Fact]
    public async Task RootTask_ChildrenSignedAndCapturedBeyondItsConcurrency_EveryChildTaskSpanDescendsFromTheRootTaskSpan()
    {
        using var capture = new TraceCapture();
        await using var h = fixture.Flow();
        var child = h.Task<ChildIn, ChildOut>("child", (i, _) => Task.FromResult(new ChildOut(i.N)));
        var (onDone, _) = h.Recorder<ResultsIn, int>("done", 0);
        var ids = new string[3];
        var root = h.Task<RootIn, RootOut>("root", async (input, _) =>
        {
            await RootRuns.SpawnAsync(MageFlowClient.Current!, child, ids, n => new ChildIn(n));
            for (var n = 0; n < 3; n++)
            {
                await child.RunNoWaitAsync(new ChildIn(10 + n));
            }

            return new RootOut(6);
        }).AsRoot(maxConcurrency: 2);
        var mf = await h.StartAsync(slots: 20);

        ActivityTraceId traceId;
        using (var test = TraceCapture.StartTest(nameof(RootTaskTracingTests)))
        {
            traceId = test.TraceId;
            var (rootSig, _) = await RootRuns.StartAsync(mf, root, new RootIn(6), onDone);
            var outcome = await rootSig.Flow.WaitAsync().WaitAsync(Wait);
            Assert.True(outcome.Status == FlowStatus.Done, $"the root's flow ended {outcome.Status}: {outcome.Error}");
        }

        var spans = await capture.WaitForSpansAsync(traceId, s => s.Count(x => x.Name == RunSpan && x.Tag("hatchet.workflow_name") == child.WorkflowName) == 6);
        var tree = new SpanTree(spans);
        output.WriteLine(tree.Render("hatchet.workflow_name", "mageflow.signature_id"));

        var rootRun = Assert.Single(spans, s => s.Name == RunSpan && s.Tag("hatchet.workflow_name") == root.WorkflowName);
        var rootSpan = Assert.Single(spans, s => s.Name == "mageflow.root");
        Assert.Equal(rootRun.SpanId, rootSpan.ParentSpanId);
        var children = spans.Where(s => s.Name == RunSpan && s.Tag("hatchet.workflow_name") == child.WorkflowName).ToList();
        Assert.Equal(6, children.Count);
        Assert.All(children, c =>
        {
            Assert.True(tree.Descends(c, rootSpan), $"child span {c.SpanId} does not descend from the root's span");
            var publish = Assert.Single(spans, s => s.SpanId == c.ParentSpanId);
            Assert.Equal(("mageflow.publish", "PRODUCER"), (publish.Name, publish.Kind));
        });
    }
}

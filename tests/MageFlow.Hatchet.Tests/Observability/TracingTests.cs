using System.Diagnostics;
using System.Text.Json;
using MageFlow.Hatchet.Diagnostics;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.Tests.Observability;

/// <summary>
/// Trace propagation through run metadata on one dev engine: a trigger is a producer span whose context goes into the
/// run's <c>traceparent</c>, and the worker's task span is its child. Spans are picked by the test span's trace id.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class TracingTests(DevEngineFixture fixture, ITestOutputHelper output)
{
    private const string RunSpan = "hatchet.start_step_run";
    private const string TriggerSpan = "hatchet.run_workflow";

    [Fact]
    public async Task RunAsync_ParentTriggersChild_TraceparentInMetadataAndTaskSpansParentedToTriggerSpans()
    {
        using var capture = new TraceCapture();
        await using var h = fixture.Harness();
        var child = h.Task<Empty, Dictionary<string, string>>(Names.Unique("traced-child"), (_, ctx) =>
            Task.FromResult(ctx.AdditionalMetadata.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal)));
        var parent = h.Task<Empty, Dictionary<string, string>>(Names.Unique("traced-parent"), (_, ctx) => child.RunAsync(new Empty(), cancellationToken: ctx.CancellationToken));
        await h.StartWorkerAsync(slots: 10);

        ActivityTraceId traceId;
        Dictionary<string, string> childMetadata;
        using (var test = TraceCapture.StartTest(nameof(RunAsync_ParentTriggersChild_TraceparentInMetadataAndTaskSpansParentedToTriggerSpans)))
        {
            traceId = test.TraceId;
            childMetadata = await parent.RunAsync(new Empty()).WaitAsync(Wait);
        }

        var spans = await capture.WaitForSpansAsync(traceId, s => s.Count(x => x.Name == RunSpan) == 2);
        var tree = new SpanTree(spans);
        output.WriteLine(tree.Render("hatchet.workflow_name"));
        var parentTrigger = Single(spans, TriggerSpan, parent.WorkflowName);
        var parentRun = Single(spans, RunSpan, parent.WorkflowName);
        var childTrigger = Single(spans, TriggerSpan, child.WorkflowName);
        var childRun = Single(spans, RunSpan, child.WorkflowName);
        Assert.Equal(("PRODUCER", "CONSUMER"), (childTrigger.Kind, childRun.Kind));
        Assert.Equal(parentTrigger.SpanId, parentRun.ParentSpanId);
        Assert.Equal(parentRun.SpanId, childTrigger.ParentSpanId);
        Assert.Equal(childTrigger.SpanId, childRun.ParentSpanId);

        // The child's metadata carries its own trigger's context (W3C: version-trace-span-flags), not its parent's.
        Assert.Equal($"00-{traceId}-{childTrigger.SpanId}-01", childMetadata[TraceContextMetadata.TraceParentKey]);
        Assert.Equal(childRun.Tag("hatchet.step_run_id"), childRun.Tag("messaging.message.id"));
        Assert.Equal("hatchet", childRun.Tag("messaging.system"));
    }

    [Fact]
    public async Task RunAsync_RunCarriesForeignTraceparent_TaskSpanContinuesItAndChildGetsAFreshOne()
    {
        using var capture = new TraceCapture();
        await using var h = fixture.Harness();
        var child = h.Task<Empty, Dictionary<string, string>>(Names.Unique("stale-child"), (_, ctx) =>
            Task.FromResult(ctx.AdditionalMetadata.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal)));
        var parent = h.Task<Empty, Dictionary<string, string>>(Names.Unique("stale-parent"), (_, ctx) => child.RunAsync(new Empty(), cancellationToken: ctx.CancellationToken));
        await h.StartWorkerAsync(slots: 10);

        // What a TypeScript or Python trigger would have put there: a span of another process, with a tracestate.
        var foreignTrace = ActivityTraceId.CreateRandom();
        var foreignSpan = ActivitySpanId.CreateRandom();
        var options = new RunOptions();
        options.AdditionalMetadata[TraceContextMetadata.TraceParentKey] = $"00-{foreignTrace}-{foreignSpan}-01";
        options.AdditionalMetadata[TraceContextMetadata.TraceStateKey] = "vendor=stale";

        var childMetadata = await parent.RunAsync(new Empty(), options).WaitAsync(Wait);

        var spans = await capture.WaitForSpansAsync(foreignTrace, s => s.Count(x => x.Name == RunSpan) == 2);
        output.WriteLine(new SpanTree(spans).Render("hatchet.workflow_name"));
        var parentRun = Single(spans, RunSpan, parent.WorkflowName);
        var childTrigger = Single(spans, TriggerSpan, child.WorkflowName);
        Assert.Equal(foreignSpan.ToHexString(), parentRun.ParentSpanId);
        Assert.Equal($"00-{foreignTrace}-{childTrigger.SpanId}-01", childMetadata[TraceContextMetadata.TraceParentKey]);

        // The tracestate came with the foreign span and travels with its trace: the trigger's span carries it on.
        Assert.Equal("vendor=stale", childMetadata[TraceContextMetadata.TraceStateKey]);
    }

    private static SpanRecord Single(IEnumerable<SpanRecord> spans, string name, string workflow) =>
        Assert.Single(spans, s => s.Name == name && s.Tag("hatchet.workflow_name") == workflow);

    public sealed record Empty;
}

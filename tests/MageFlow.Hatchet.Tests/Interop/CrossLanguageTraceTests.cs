using System.Diagnostics;
using System.Text.Json;
using MageFlow.Hatchet.Diagnostics;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.Tests.Interop;

/// <summary>
/// One trace across languages: a C# task runs a TypeScript task as its child, which runs a C# task as its own child.
/// The TypeScript worker (tests/interop/ts/traced-worker.js) is traced by the official SDK's HatchetInstrumentor with
/// @opentelemetry/api and prints its spans; the C# spans come from an in-memory exporter. The trace context travels
/// only in the runs' metadata (<c>traceparent</c>).
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class CrossLanguageTraceTests(DevEngineFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string RunSpan = "hatchet.start_step_run";
    private const string TriggerSpan = "hatchet.run_workflow";
    private readonly NodeScripts _scripts = new(output.WriteLine);

    [Fact]
    public async Task Trace_CSharpParentTypeScriptChildCSharpGrandchild_OneTraceWithEachHopParentedToTheTriggerBeforeIt()
    {
        var prefix = "otel-" + Guid.NewGuid().ToString("N")[..12];
        var ts = await _scripts.StartReadyAsync(fixture.Engine, "traced-worker.js", prefix);
        using var capture = new TraceCapture();
        await using var h = fixture.Harness();
        var tsChild = $"{prefix}-ts-traced";
        var grandchild = h.Client.Task<NumberInput, GrandchildOutput>($"{prefix}-cs-grandchild", (input, ctx) =>
            Task.FromResult(new GrandchildOutput(input.N * 3, ctx.AdditionalMetadata[TraceContextMetadata.TraceParentKey].GetString()!)));
        var parent = h.Client.Task<NumberInput, JsonElement>($"{prefix}-cs-parent", (input, ctx) =>
            h.Client.RunAsync<JsonElement>(tsChild, new SpawnInput(grandchild.WorkflowName, input.N), cancellationToken: ctx.CancellationToken));
        await h.StartWorkerAsync(slots: 10);

        ActivityTraceId traceId;
        JsonElement result;
        using (var test = TraceCapture.StartTest(nameof(CrossLanguageTraceTests)))
        {
            traceId = test.TraceId;
            result = await parent.RunAsync(new NumberInput(7)).WaitAsync(Wait);
        }

        // The TypeScript span of the trigger ends before the span of its task run: both are printed as they end.
        var traced = await ts.WaitForAsync("traced", Wait);
        var tsSpans = new List<SpanRecord>
        {
            SpanRecord.FromJson(await ts.WaitForAsync("span", Wait)),
            SpanRecord.FromJson(await ts.WaitForAsync("span", Wait)),
        };
        var csSpans = await capture.WaitForSpansAsync(traceId, s => s.Count(x => x.Name == RunSpan) == 2);
        var tree = new SpanTree([.. csSpans, .. tsSpans]);
        output.WriteLine("The trace, C# and TypeScript spans joined by span id:");
        output.WriteLine(tree.Render("hatchet.workflow_name", "workflow_name", "action_name"));

        var csParentRun = Assert.Single(csSpans, s => s.Name == RunSpan && s.Tag("hatchet.workflow_name") == parent.WorkflowName);
        var csTrigger = Assert.Single(csSpans, s => s.Name == TriggerSpan && s.Tag("hatchet.workflow_name") == tsChild);
        var tsRun = Assert.Single(tsSpans, s => s.Name == RunSpan);
        var tsTrigger = Assert.Single(tsSpans, s => s.Name == TriggerSpan);
        var csGrandchildRun = Assert.Single(csSpans, s => s.Name == RunSpan && s.Tag("hatchet.workflow_name") == grandchild.WorkflowName);

        Assert.All(tsSpans, s => Assert.Equal(traceId.ToHexString(), s.TraceId));
        Assert.Equal(csParentRun.SpanId, csTrigger.ParentSpanId);
        Assert.Equal(csTrigger.SpanId, tsRun.ParentSpanId);
        Assert.Equal(("CONSUMER", "PRODUCER"), (tsRun.Kind, tsTrigger.Kind));
        Assert.Equal(tsRun.SpanId, tsTrigger.ParentSpanId);
        Assert.Equal(tsTrigger.SpanId, csGrandchildRun.ParentSpanId);
        Assert.True(tree.Descends(csGrandchildRun, csParentRun));

        // What each hop read from its metadata: the TypeScript task the C# trigger's context, the grandchild the
        // TypeScript trigger's (not the stale one of the C# parent, which the engine would otherwise pass down).
        Assert.Equal($"00-{traceId}-{csTrigger.SpanId}-01", traced.GetProperty("metadata").GetProperty(TraceContextMetadata.TraceParentKey).GetString());
        var fromChild = result.GetProperty("fromChild").Deserialize<GrandchildOutput>(JsonSerializerOptions.Web)!;
        Assert.Equal(21, fromChild.Tripled);
        Assert.Equal($"00-{traceId}-{tsTrigger.SpanId}-01", fromChild.Traceparent);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _scripts.StopAllAsync();

    public sealed record NumberInput(int N);

    public sealed record SpawnInput(string Child, int N);

    public sealed record GrandchildOutput(int Tripled, string Traceparent);
}

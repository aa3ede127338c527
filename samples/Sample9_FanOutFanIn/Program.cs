using System.Diagnostics;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// Fan-out/fan-in: a root task spawns one analysis per data source; an aggregate callback receives every
// result once all of them have finished. This is the README demo.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var (viewer, viewerAddress) = await DemoViewer.StartAsync(env.MageFlow);
await using var viewerApp = viewer;
Console.WriteLine($"Watch the flow live in the MageFlow viewer: {viewerAddress}");
var sources = Enumerable.Range(1, 12).Select(i => $"source-{i:00}").ToArray();
var finished = 0;
var done = new TaskCompletionSource<AggregateReport>(TaskCreationOptions.RunContinuationsAsynchronously);
var clock = Stopwatch.StartNew();

var analyzeSource = hatchet.Task("analyze-source", async (SourceMessage msg, TaskContext ctx) =>
{
    await Task.Delay(Random.Shared.Next(100, 400), ctx.CancellationToken); // pretend to work
    var findings = msg.Source.Sum(c => c) % 97;
    var n = Interlocked.Increment(ref finished);
    Console.WriteLine($"  [{clock.ElapsedMilliseconds,5} ms] {msg.Source} analyzed: {findings} findings ({n}/{sources.Length})");
    return new SourceReport(msg.Source, findings);
});

var aggregateResults = hatchet.Task("aggregate-results", (AggregateInput input, TaskContext ctx) =>
{
    var report = new AggregateReport(input.Reports.Count, input.Reports.Sum(r => r.Findings), input.Reports.MaxBy(r => r.Findings)?.Source ?? "-");
    done.TrySetResult(report);
    return Task.FromResult(report);
});

var distributedAnalysis = hatchet.Task("distributed-analysis", async (AnalysisMessage msg, TaskContext ctx) =>
{
    // Fan-out: every publish in the body joins the root swarm (at most 4 run at once).
    foreach (var source in msg.DataSources)
    {
        var sig = await analyzeSource.SignAsync();
        await sig.RunNoWaitAsync(new SourceMessage(source));
    }

    Console.WriteLine($"  [{clock.ElapsedMilliseconds,5} ms] root task spawned {msg.DataSources.Count} analyses and returned; the callback waits for all of them");
    return new { sources = msg.DataSources.Count };
}).AsRoot(maxConcurrency: 4);

await env.StartWorkerAsync("fan-out-fan-in-worker", slots: 20);

// Fan-in: the aggregate callback gets the list of every child's result.
var aggregate = await aggregateResults.SignAsync();
var root = await distributedAnalysis.SignAsync(successCallbacks: [aggregate]);
Console.WriteLine($"Fan-out/fan-in over {sources.Length} data sources (maxConcurrency 4):");
await root.RunNoWaitAsync(new AnalysisMessage(sources));

var result = await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
Console.WriteLine($"Aggregated result: {result.Sources} sources, {result.TotalFindings} findings in total, most in {result.Busiest} ({clock.ElapsedMilliseconds} ms)");
env.Check(result.Sources == sources.Length && Volatile.Read(ref finished) == sources.Length, "the aggregate callback fired once every analysis had finished, with all their results");
var listed = await env.MageFlow.Inspector.ListFlowsAsync();
env.Check(listed.Items.Any(f => f.Id == root.Id), "the viewer lists the flow");
if (!Console.IsInputRedirected && Environment.GetEnvironmentVariable("CI") is null)
{
    Console.WriteLine($"The viewer stays up at {viewerAddress}: press Enter to exit.");
    Console.ReadLine();
}

return env.ExitCode;

internal sealed record AnalysisMessage(IReadOnlyList<string> DataSources);

internal sealed record SourceMessage(string Source);

internal sealed record SourceReport(string Source, int Findings);

internal sealed record AggregateInput([property: MageFlow.Hatchet.Orchestration.ReturnValue] IReadOnlyList<SourceReport> Reports);

internal sealed record AggregateReport(int Sources, int TotalFindings, string Busiest);

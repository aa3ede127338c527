using System.Diagnostics;
using System.Globalization;
using MageFlow.Hatchet.Extensions.OpenTelemetry;
using MageFlow.Hatchet.Tasks;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MageFlow.Hatchet.Bench;

/// <summary>
/// <c>throughput</c>: the same workload on one dev engine in one process: bulk-triggered no-op runs, first to a
/// MageFlow.Hatchet (C#) worker, then to a C# worker traced with OpenTelemetry (every run a span, kept by an in-memory
/// exporter), then to a TypeScript SDK worker, with the same slots.
/// One batch of a few thousand runs lasts about a second, so a single batch swings by a third on a
/// noisy machine: each worker drives several rounds after its warm-up, and the round with the median
/// throughput is the one reported.
/// </summary>
internal static class ThroughputBench
{
    public static async Task<int> RunAsync(int runs, int slots, int rounds, bool csharpOnly = false)
    {
        await using var engine = await MageFlow.Hatchet.DevEngine.HatchetDevEngine.StartAsync();
        Console.WriteLine($"throughput bench: {runs} runs per worker, {slots} slots, dev engine at {engine.GrpcAddress}");

        // C# worker, untraced: nothing listens to the SDK's activity source.
        var (csharp, executions) = await DriveCSharpAsync(engine, "bench-cs-noop", runs, slots, rounds, traced: false);
        Console.WriteLine(FormattableString.Invariant(
            $"csharp: runs={runs} rounds={rounds} runs_per_s={csharp.RunsPerSecond:0} p50_ms={csharp.P50:0.0} p95_ms={csharp.P95:0.0} lost={csharp.Lost} duplicated={executions - (runs * rounds) + csharp.Lost}"));

        // C# worker, traced: every run is a span, sampled always and kept by an in-memory exporter.
        var (traced, tracedExecutions) = await DriveCSharpAsync(engine, "bench-cs-traced", runs, slots, rounds, traced: true);
        Console.WriteLine(FormattableString.Invariant(
            $"csharp_traced: runs={runs} rounds={rounds} runs_per_s={traced.RunsPerSecond:0} p50_ms={traced.P50:0.0} p95_ms={traced.P95:0.0} lost={traced.Lost} duplicated={tracedExecutions - (runs * rounds) + traced.Lost} traced_vs_untraced={traced.RunsPerSecond / csharp.RunsPerSecond:0.00}"));

        if (csharpOnly)
        {
            return csharp.Lost == 0 && traced.Lost == 0 ? 0 : 1;
        }

        // TypeScript worker.
        DriveResult ts;
        await using (var worker = NodeWorker.Start(engine.ClientEnvironment, "bench-ts-noop", slots))
        {
            await worker.WaitForAsync("ready", TimeSpan.FromSeconds(60));
            await EngineBench.DriveAsync(engine, "bench-ts-noop", Math.Min(500, runs));
            ts = await DriveRoundsAsync(engine, "bench-ts-noop", runs, rounds);
        }

        Console.WriteLine(FormattableString.Invariant(
            $"typescript: runs={runs} rounds={rounds} runs_per_s={ts.RunsPerSecond:0} p50_ms={ts.P50:0.0} p95_ms={ts.P95:0.0} lost={ts.Lost}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput: csharp_runs_per_s={csharp.RunsPerSecond:0} ts_runs_per_s={ts.RunsPerSecond:0} ratio={csharp.RunsPerSecond / ts.RunsPerSecond:0.00} csharp_p95_ms={csharp.P95:0.0} ts_p95_ms={ts.P95:0.0} csharp_traced_runs_per_s={traced.RunsPerSecond:0} traced_ratio={traced.RunsPerSecond / csharp.RunsPerSecond:0.00}"));
        return csharp.Lost == 0 && traced.Lost == 0 && ts.Lost == 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs a C# worker with a no-op task, warms it up and drives the rounds. With <paramref name="traced"/>, an
    /// OpenTelemetry tracer provider (AddMageflowInstrumentation, always sampled, in-memory exporter) records a span per
    /// run; the exported spans are dropped between rounds, so memory stays flat.
    /// </summary>
    private static async Task<(DriveResult Result, int Executions)> DriveCSharpAsync(MageFlow.Hatchet.DevEngine.HatchetDevEngine engine, string name, int runs, int slots, int rounds, bool traced)
    {
        var spans = new LockedList<Activity>();
        using var tracing = traced
            ? Sdk.CreateTracerProviderBuilder().SetSampler(new AlwaysOnSampler()).AddMageflowInstrumentation().AddInMemoryExporter(spans).Build()
            : null;
        var executions = 0;
        await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
        var noop = client.Task<Empty, Empty>(name, (_, _) =>
        {
            Interlocked.Increment(ref executions);
            return Task.FromResult(Empty.Instance);
        });
        await using var worker = client.Worker(name + "-worker", slots);
        await worker.StartAsync();
        await EngineBench.DriveAsync(engine, noop.WorkflowName, Math.Min(500, runs)); // warm-up (JIT, connections)
        executions = 0;
        var result = await DriveRoundsAsync(engine, noop.WorkflowName, runs, rounds, betweenRounds: spans.Clear);
        await worker.StopAsync();
        return (result, executions);
    }

    /// <summary>
    /// Drives <paramref name="rounds"/> batches and returns the median round by throughput, with the runs lost
    /// over all rounds (a loss in any round is a failure, whichever round is reported).
    /// </summary>
    private static async Task<DriveResult> DriveRoundsAsync(MageFlow.Hatchet.DevEngine.HatchetDevEngine engine, string workflow, int runs, int rounds, Action? betweenRounds = null)
    {
        var results = new List<DriveResult>();
        for (var round = 0; round < rounds; round++)
        {
            results.Add(await EngineBench.DriveAsync(engine, workflow, runs));
            betweenRounds?.Invoke();
        }

        Console.WriteLine($"{workflow} runs_per_s by round: " + string.Join(' ', results.Select(r => r.RunsPerSecond.ToString("0", CultureInfo.InvariantCulture))));
        var median = results.OrderBy(r => r.RunsPerSecond).ElementAt(rounds / 2);
        return median with { Lost = results.Sum(r => r.Lost) };
    }

    internal sealed record Empty
    {
        public static readonly Empty Instance = new();
    }
}

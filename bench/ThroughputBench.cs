using MageFlow.Hatchet.TestUtils;
using System.Diagnostics;
using System.Globalization;
using MageFlow.Hatchet.Extensions.OpenTelemetry;
using MageFlow.Hatchet.Tasks;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MageFlow.Hatchet.Bench;

/// <summary>
/// <c>throughput</c>: the same workload on one dev engine in one process: bulk-triggered no-op runs, first to a
/// MageFlow.Hatchet (C#) worker, in rounds alternately untraced and traced with OpenTelemetry (every run a span, kept
/// by an in-memory exporter), then to a TypeScript SDK worker, with the same slots.
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

        // One C# worker, its rounds alternately untraced (nothing listens to the SDK's source) and traced, so that both
        // see the engine in the same state (it keeps every finished run, and grows slower as it fills).
        var (csharp, traced, executions) = await DriveCSharpAsync(engine, "bench-cs-noop", runs, slots, rounds);
        Console.WriteLine(FormattableString.Invariant(
            $"csharp: runs={runs} rounds={rounds} runs_per_s={csharp.RunsPerSecond:0} p50_ms={csharp.P50:0.0} p95_ms={csharp.P95:0.0} lost={csharp.Lost} duplicated={executions - (2 * runs * rounds) + csharp.Lost + traced.Lost}"));
        Console.WriteLine(FormattableString.Invariant(
            $"csharp_traced: runs={runs} rounds={rounds} runs_per_s={traced.RunsPerSecond:0} p50_ms={traced.P50:0.0} p95_ms={traced.P95:0.0} lost={traced.Lost} traced_vs_untraced={traced.RunsPerSecond / csharp.RunsPerSecond:0.00}"));

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
    /// Runs a C# worker with a no-op task, warms it up and drives <paramref name="rounds"/> pairs of rounds: one untraced,
    /// one traced by an OpenTelemetry tracer provider (AddMageflowInstrumentation, always sampled, in-memory exporter)
    /// built for that round alone, which records a span per run. Which goes first alternates, so drift favours neither;
    /// each mode reports its median round.
    /// </summary>
    private static async Task<(DriveResult Untraced, DriveResult Traced, int Executions)> DriveCSharpAsync(MageFlow.Hatchet.DevEngine.HatchetDevEngine engine, string name, int runs, int slots, int rounds)
    {
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
        var untraced = new List<DriveResult>();
        var traced = new List<DriveResult>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var withTracing in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                if (!withTracing)
                {
                    untraced.Add(await EngineBench.DriveAsync(engine, noop.WorkflowName, runs));
                    continue;
                }

                var spans = new LockedCollection<Activity>();
                using (Sdk.CreateTracerProviderBuilder().SetSampler(new AlwaysOnSampler()).AddMageflowInstrumentation().AddInMemoryExporter(spans).Build())
                {
                    traced.Add(await EngineBench.DriveAsync(engine, noop.WorkflowName, runs));
                }
            }
        }

        await worker.StopAsync();
        Console.WriteLine($"{noop.WorkflowName} untraced runs_per_s by round: " + string.Join(' ', untraced.Select(r => r.RunsPerSecond.ToString("0", CultureInfo.InvariantCulture))));
        Console.WriteLine($"{noop.WorkflowName} traced runs_per_s by round: " + string.Join(' ', traced.Select(r => r.RunsPerSecond.ToString("0", CultureInfo.InvariantCulture))));
        return (Median(untraced), Median(traced), executions);
    }

    private static DriveResult Median(List<DriveResult> results) =>
        results.OrderBy(r => r.RunsPerSecond).ElementAt(results.Count / 2) with { Lost = results.Sum(r => r.Lost) };

    /// <summary>
    /// Drives <paramref name="rounds"/> batches and returns the median round by throughput, with the runs lost
    /// over all rounds (a loss in any round is a failure, whichever round is reported).
    /// </summary>
    private static async Task<DriveResult> DriveRoundsAsync(MageFlow.Hatchet.DevEngine.HatchetDevEngine engine, string workflow, int runs, int rounds)
    {
        var results = new List<DriveResult>();
        for (var round = 0; round < rounds; round++)
        {
            results.Add(await EngineBench.DriveAsync(engine, workflow, runs));
        }

        Console.WriteLine($"{workflow} runs_per_s by round: " + string.Join(' ', results.Select(r => r.RunsPerSecond.ToString("0", CultureInfo.InvariantCulture))));
        return Median(results);
    }

    internal sealed record Empty
    {
        public static readonly Empty Instance = new();
    }
}

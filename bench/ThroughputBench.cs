using System.Globalization;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Bench;

/// <summary>
/// <c>throughput</c>: the same workload twice on one dev engine in one process: bulk-triggered no-op runs,
/// first to a MageFlow.Hatchet (C#) worker, then to a TypeScript SDK worker, with the same slots.
/// </summary>
internal static class ThroughputBench
{
    public static async Task<int> RunAsync(int runs, int slots, bool csharpOnly = false)
    {
        await using var engine = await MageFlow.Hatchet.DevEngine.HatchetDevEngine.StartAsync();
        Console.WriteLine($"throughput bench: {runs} runs per worker, {slots} slots, dev engine at {engine.GrpcAddress}");

        // C# worker.
        DriveResult csharp;
        var executions = 0;
        await using (var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment)))
        {
            var noop = client.Task<Empty, Empty>("bench-cs-noop", (_, _) =>
            {
                Interlocked.Increment(ref executions);
                return Task.FromResult(Empty.Instance);
            });
            await using var worker = client.Worker("bench-cs-worker", slots);
            await worker.StartAsync();
            await EngineBench.DriveAsync(engine, noop.WorkflowName, Math.Min(500, runs)); // warm-up (JIT, connections)
            executions = 0;
            csharp = await EngineBench.DriveAsync(engine, noop.WorkflowName, runs);
            await worker.StopAsync();
        }

        Console.WriteLine(FormattableString.Invariant(
            $"csharp: runs={runs} runs_per_s={csharp.RunsPerSecond:0} p50_ms={csharp.P50:0.0} p95_ms={csharp.P95:0.0} lost={csharp.Lost} duplicated={executions - runs + csharp.Lost}"));

        if (csharpOnly)
        {
            return csharp.Lost == 0 ? 0 : 1;
        }

        // TypeScript worker.
        DriveResult ts;
        await using (var worker = NodeWorker.Start(engine.ClientEnvironment, "bench-ts-noop", slots))
        {
            await worker.WaitForAsync("ready", TimeSpan.FromSeconds(60));
            await EngineBench.DriveAsync(engine, "bench-ts-noop", Math.Min(500, runs));
            ts = await EngineBench.DriveAsync(engine, "bench-ts-noop", runs);
        }

        Console.WriteLine(FormattableString.Invariant(
            $"typescript: runs={runs} runs_per_s={ts.RunsPerSecond:0} p50_ms={ts.P50:0.0} p95_ms={ts.P95:0.0} lost={ts.Lost}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput: csharp_runs_per_s={csharp.RunsPerSecond:0} ts_runs_per_s={ts.RunsPerSecond:0} ratio={csharp.RunsPerSecond / ts.RunsPerSecond:0.00} csharp_p95_ms={csharp.P95:0.0} ts_p95_ms={ts.P95:0.0}"));
        return csharp.Lost == 0 && ts.Lost == 0 ? 0 : 1;
    }

    internal sealed record Empty
    {
        public static readonly Empty Instance = new();
    }
}

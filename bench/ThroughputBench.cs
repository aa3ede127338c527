using System.Globalization;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Bench;

/// <summary>
/// <c>throughput</c>: the same workload twice on one dev engine in one process: bulk-triggered no-op runs,
/// first to a MageFlow.Hatchet (C#) worker, then to a TypeScript SDK worker, with the same slots.
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
            csharp = await DriveRoundsAsync(engine, noop.WorkflowName, runs, rounds);
            await worker.StopAsync();
        }

        Console.WriteLine(FormattableString.Invariant(
            $"csharp: runs={runs} rounds={rounds} runs_per_s={csharp.RunsPerSecond:0} p50_ms={csharp.P50:0.0} p95_ms={csharp.P95:0.0} lost={csharp.Lost} duplicated={executions - (runs * rounds) + csharp.Lost}"));

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
            ts = await DriveRoundsAsync(engine, "bench-ts-noop", runs, rounds);
        }

        Console.WriteLine(FormattableString.Invariant(
            $"typescript: runs={runs} rounds={rounds} runs_per_s={ts.RunsPerSecond:0} p50_ms={ts.P50:0.0} p95_ms={ts.P95:0.0} lost={ts.Lost}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput: csharp_runs_per_s={csharp.RunsPerSecond:0} ts_runs_per_s={ts.RunsPerSecond:0} ratio={csharp.RunsPerSecond / ts.RunsPerSecond:0.00} csharp_p95_ms={csharp.P95:0.0} ts_p95_ms={ts.P95:0.0}"));
        return csharp.Lost == 0 && ts.Lost == 0 ? 0 : 1;
    }

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
        var median = results.OrderBy(r => r.RunsPerSecond).ElementAt(rounds / 2);
        return median with { Lost = results.Sum(r => r.Lost) };
    }

    internal sealed record Empty
    {
        public static readonly Empty Instance = new();
    }
}

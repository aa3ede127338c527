using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Bench;

/// <summary>
/// <c>root</c>: a root task with 10,000 no-op children (maxConcurrency 200) against 10,000 plain bulk-triggered
/// runs, then 20 small roots for callback latency (last child's completion to the callback's start). The
/// worker runs in its own process (this program with <c>root-worker</c>), so its peak resident memory is its
/// own: measured after a 1,000-child root and after the 10,000-child root.
/// </summary>
internal static class RootBench
{
    public static async Task<int> RunAsync(int children)
    {
        await using var engine = await MageFlow.Hatchet.DevEngine.HatchetDevEngine.StartAsync();
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "root-worker", "--children", children.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in engine.ClientEnvironment)
        {
            psi.Environment[k] = v;
        }

        Console.WriteLine($"root bench: {children} children (maxConcurrency 200), worker in its own process, dev engine at {engine.GrpcAddress}");
        using var worker = Process.Start(psi)!;
        string? last = null;
        while (await worker.StandardOutput.ReadLineAsync() is { } line)
        {
            Console.WriteLine(line);
            last = line;
        }

        await worker.WaitForExitAsync();
        return worker.ExitCode == 0 && last?.StartsWith("root:", StringComparison.Ordinal) == true ? 0 : 1;
    }

    /// <summary>The worker process: declares the tasks, serves them and drives every measurement.</summary>
    public static async Task<int> WorkerAsync(int children)
    {
        await using var client = HatchetClient.Create();
        var lastChildDone = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var callbacks = new ConcurrentDictionary<string, TaskCompletionSource<long>>(StringComparer.Ordinal);
        MageFlowClient mageflow = null!;

        var child = client.Task("bench-root-child", (ChildInput input, TaskContext ctx) =>
        {
            lastChildDone.AddOrUpdate(input.Root, Stopwatch.GetTimestamp(), (_, prev) => Math.Max(prev, Stopwatch.GetTimestamp()));
            return Task.FromResult(new ChildOutput(input.I));
        });
        var plain = client.Task("bench-root-plain", (ChildInput input, TaskContext ctx) => Task.FromResult(new ChildOutput(input.I)));
        var callback = client.Task("bench-root-callback", (CallbackInput input, TaskContext ctx) =>
        {
            var startedAt = Stopwatch.GetTimestamp();
            callbacks.GetOrAdd(input.Root, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(startedAt);
            return Task.FromResult(new ChildOutput(input.Results.Count));
        });
        var root = client.Task("bench-root", async (RootInput input, TaskContext ctx) =>
        {
            var bodyStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < input.Children; i++)
            {
                var sig = await mageflow.SignAsync(child, new { root = input.Root, i });
                await sig.RunNoWaitAsync();
            }

            if (input.Children >= 1000)
            {
                Console.WriteLine(FormattableString.Invariant($"  root body with {input.Children} children returned after {Stopwatch.GetElapsedTime(bodyStart).TotalSeconds:0.000} s"));
            }

            return new ChildOutput(input.Children);
        }, new TaskOptions { ExecutionTimeout = TimeSpan.FromMinutes(10) }).AsRoot(maxConcurrency: 200);

        mageflow = await MageFlowClient.AttachAsync(client, new MageFlowOptions { KeyPrefix = "bench-root-" + Guid.NewGuid().ToString("N")[..8] });
        await using var worker = client.Worker("bench-root-worker", 250);
        await worker.StartAsync();

        async Task<(TimeSpan Elapsed, long CallbackAt)> RunRootAsync(int n, object? extraKwargs = null)
        {
            var name = Guid.NewGuid().ToString("N");
            var tcs = callbacks.GetOrAdd(name, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
            var cb = await mageflow.SignAsync(callback, new { root = name });
            var sig = await mageflow.SignAsync(root, successCallbacks: [cb]);
            var watch = Stopwatch.StartNew();
            await sig.RunNoWaitAsync(new RootInput(name, n));
            var at = await tcs.Task.WaitAsync(TimeSpan.FromMinutes(10));
            var elapsed = watch.Elapsed;
            var lastDone = lastChildDone.TryGetValue(name, out var t) ? t : at;
            return (elapsed, at - lastDone);
        }

        // Warm-up: JIT, connections, scripts.
        await RunRootAsync(200);
        await plain.RunManyAsync(Enumerable.Range(0, 200).Select(i => new ChildInput("warm", i)));

        await RunRootAsync(1000);
        var rss1k = PeakRssMb();
        var (rootTime, _) = await RunRootAsync(children);
        var rss10k = PeakRssMb();

        var plainWatch = Stopwatch.StartNew();
        await plain.RunManyAsync(Enumerable.Range(0, children).Select(i => new ChildInput("plain", i)));
        var plainTime = plainWatch.Elapsed;

        var latencies = new List<double>();
        for (var r = 0; r < 20; r++)
        {
            var (_, gap) = await RunRootAsync(5);
            latencies.Add(Stopwatch.GetElapsedTime(0, Math.Max(0, gap)).TotalMilliseconds);
        }

        latencies.Sort();
        var p50 = latencies[(int)Math.Ceiling(0.50 * latencies.Count) - 1];
        var p95 = latencies[(int)Math.Ceiling(0.95 * latencies.Count) - 1];
        Console.WriteLine(FormattableString.Invariant($"root with {children} children: {rootTime.TotalSeconds:0.000} s; {children} plain bulk-triggered runs: {plainTime.TotalSeconds:0.000} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"root: children={children} overhead_ratio={rootTime / plainTime:0.00} callback_p50_ms={p50:0.0} callback_p95_ms={p95:0.0} rss_mb_1k={rss1k:0} rss_mb_10k={rss10k:0}"));
        await mageflow.DisposeAsync();
        return 0;
    }

    /// <summary>This process's peak resident set size (VmHWM on Linux), in MiB.</summary>
    private static double PeakRssMb()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    internal sealed record RootInput(string Root, int Children);

    internal sealed record ChildInput(string Root, int I);

    internal sealed record ChildOutput(int I);

    internal sealed record CallbackInput(string Root, [property: ReturnValue] List<ChildOutput> Results);
}

using System.Diagnostics;
using System.Globalization;
using MageFlow.Hatchet.Orchestration;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace MageFlow.Hatchet.Bench;

/// <summary>
/// <c>swarm</c>: a closed swarm of no-op items (max_concurrency 100) against the same number of plain
/// bulk-triggered runs, on one dev engine, one C# worker (100 slots) and a local Redis.
/// Round trips are counted at the client (a StackExchange.Redis profiling session), Redis commands from
/// <c>INFO commandstats</c> deltas (which include the commands scripts run), engine runs at the dev engine.
/// With <c>--trace</c>, each phase also prints its boundaries on the monotonic clock (to line up with
/// <c>perf record -k CLOCK_MONOTONIC</c>), process CPU, allocations, GC pauses and JIT activity, and each swarm
/// round a timeline of completed runs.
/// </summary>
internal static class SwarmBench
{
    private static bool trace;

    public static async Task<int> RunAsync(int items, int slots, int rounds, bool traced)
    {
        trace = traced;
        await using var engine = await MageFlow.Hatchet.DevEngine.HatchetDevEngine.StartAsync();
        var redisConfig = ConfigurationOptions.Parse(Environment.GetEnvironmentVariable("REDIS_URL") is { } url ? url.Replace("redis://", string.Empty, StringComparison.Ordinal) : "localhost:6379");
        redisConfig.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfig);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var session = new ProfilingSession();
        redis.RegisterProfiler(() => session);

        await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
        var noop = client.Task<Empty, Empty>("bench-swarm-noop", (_, _) => Task.FromResult(Empty.Instance));
        await using var mageflow = await MageFlowClient.AttachAsync(client, new MageFlowOptions { Redis = redis, KeyPrefix = "bench-" + Guid.NewGuid().ToString("N")[..8] });
        await using var worker = client.Worker("bench-swarm-worker", slots);
        await worker.StartAsync();
        Console.WriteLine($"swarm bench: {items} items, max_concurrency 100, {slots} slots, dev engine at {engine.GrpcAddress}");

        // Warm-up, one full round of each: connections, script cache, and the JIT's tiering (a short warm-up leaves
        // hot paths in unoptimized code, which hurts the code that ran less of it more).
        await RunSwarmAsync(mageflow, noop, items);
        await noop.RunManyAsync(Enumerable.Range(0, items).Select(_ => Empty.Instance));

        // Rounds alternate plain and swarm, so background noise hits both; medians are reported.
        var plainTimes = new List<TimeSpan>();
        var swarmTimes = new List<TimeSpan>();
        long roundTrips = 0, redisCommands = 0, runs = 0;
        var redisCpu = TimeSpan.Zero;
        for (var round = 0; round < rounds; round++)
        {
            Phase("plain-start");
            var plainWatch = Stopwatch.StartNew();
            await noop.RunManyAsync(Enumerable.Range(0, items).Select(_ => Empty.Instance));
            plainTimes.Add(plainWatch.Elapsed);
            Phase("plain-end");

            session.FinishProfiling();
            var runsBefore = engine.Counters.RunsCreated;
            var statsBefore = await CommandCallsAsync(server);
            var redisCpuBefore = await RedisCpuAsync(server);
            Phase("swarm-start");
            var swarmWatch = Stopwatch.StartNew();
            using var sampler = new CancellationTokenSource();
            var sampling = trace ? SampleAsync(engine, swarmWatch, sampler.Token) : Task.CompletedTask;
            var results = await RunSwarmAsync(mageflow, noop, items);
            await sampler.CancelAsync();
            await sampling;
            swarmTimes.Add(swarmWatch.Elapsed);
            Phase("swarm-end");
            roundTrips += session.FinishProfiling().Count();
            var statsAfter = await CommandCallsAsync(server);
            redisCpu += await RedisCpuAsync(server) - redisCpuBefore;
            runs += engine.Counters.RunsCreated - runsBefore;
            redisCommands += statsAfter - statsBefore - 1; // the INFO call itself
            if (results != items)
            {
                Console.Error.WriteLine($"swarm returned {results} results for {items} items");
                return 1;
            }
        }

        var plain = Median(plainTimes);
        var swarmTime = Median(swarmTimes);
        var total = (double)items * rounds;
        Console.WriteLine(FormattableString.Invariant($"plain: runs={items} median_seconds={plain.TotalSeconds:0.000}; swarm: median_seconds={swarmTime.TotalSeconds:0.000} (over {rounds} rounds)"));
        Console.WriteLine("per round (swarm/plain): " + string.Join(' ', plainTimes.Zip(swarmTimes, (p, w) => (w / p).ToString("0.00", CultureInfo.InvariantCulture))));
        Console.WriteLine(FormattableString.Invariant($"redis-server cpu: {redisCpu.TotalMilliseconds * 1000 / total:0} us per swarm item"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"swarm: items={items} round_trips_per_item={roundTrips / total:0.00} redis_cmds_per_item={redisCommands / total:0.00} engine_runs_per_item={runs / total:0.00} overhead_ratio={swarmTime / plain:0.00}"));
        return 0;
    }

    private static async Task<int> RunSwarmAsync(MageFlowClient mageflow, Tasks.TaskDeclaration<Empty, Empty> noop, int items)
    {
        var signatures = await mageflow.SignManyAsync(noop, Enumerable.Range(0, items).Select(_ => (object?)null));
        Phase("signed");
        var swarm = await mageflow.SwarmAsync(signatures, new SwarmConfig(MaxConcurrency: 100), closed: true);
        Phase("swarm-created");
        var results = await swarm.RunAsync<List<Empty>>();
        return results.Count;
    }

    private static void Phase(string name)
    {
        if (trace)
        {
            Console.WriteLine(FormattableString.Invariant($"phase {name} {Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency:0.000000} cpu_ms={Environment.CpuUsage.TotalTime.TotalMilliseconds:0} alloc_mb={GC.GetTotalAllocatedBytes() / 1e6:0.0} gc0={GC.CollectionCount(0)} gc1={GC.CollectionCount(1)} gc2={GC.CollectionCount(2)} pause_ms={GC.GetTotalPauseDuration().TotalMilliseconds:0} jit_methods={System.Runtime.JitInfo.GetCompiledMethodCount()} jit_ms={System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0} jit_n={System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false)}"));
        }
    }

    private static async Task SampleAsync(MageFlow.Hatchet.DevEngine.HatchetDevEngine engine, Stopwatch watch, CancellationToken token)
    {
        var start = engine.Counters.TasksCompleted;
        var line = new System.Text.StringBuilder("completed:");
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(50, token);
                line.Append(FormattableString.Invariant($" {watch.ElapsedMilliseconds}ms={engine.Counters.TasksCompleted - start}"));
            }
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine(line);
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>CPU time redis-server has used (user + system), from <c>INFO cpu</c>.</summary>
    private static async Task<TimeSpan> RedisCpuAsync(IServer server)
    {
        var seconds = 0.0;
        foreach (var group in await server.InfoAsync("cpu"))
        {
            foreach (var entry in group)
            {
                if (entry.Key is "used_cpu_user" or "used_cpu_sys")
                {
                    seconds += double.Parse(entry.Value, CultureInfo.InvariantCulture);
                }
            }
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static async Task<long> CommandCallsAsync(IServer server)
    {
        var info = await server.InfoAsync("commandstats");
        long total = 0;
        foreach (var group in info)
        {
            foreach (var entry in group)
            {
                // cmdstat_<name>:calls=N,usec=…
                var calls = entry.Value.Split(',')[0];
                if (calls.StartsWith("calls=", StringComparison.Ordinal))
                {
                    total += long.Parse(calls.AsSpan(6), CultureInfo.InvariantCulture);
                }
            }
        }

        return total;
    }

    internal sealed record Empty
    {
        public static readonly Empty Instance = new();
    }
}

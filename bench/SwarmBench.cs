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
/// With <c>--cluster host:port,host:port,...</c> (e.g. the one scripts/redis-cluster.sh starts), the bench runs twice:
/// on the single node, then on the cluster, and prints a summary line for each. Each line also reports the cluster
/// slots a flow's keys landed in (<c>slots_touched_per_flow</c>: the distinct slots, as CLUSTER KEYSLOT computes
/// them, of every key each measured swarm wrote) and the distinct slots 100 small flows used.
/// </summary>
internal static class SwarmBench
{
    private const int SpreadFlows = 100;
    private static bool trace;

    public static async Task<int> RunAsync(int items, int slots, int rounds, bool traced)
    {
        var single = Environment.GetEnvironmentVariable("REDIS_URL") is { } url ? url.Replace("redis://", string.Empty, StringComparison.Ordinal) : "localhost:6379";
        var args = Environment.GetCommandLineArgs();
        var at = Array.IndexOf(args, "--cluster");
        var status = await RunOnAsync(single, "single", items, slots, rounds, traced);
        if (status == 0 && at >= 0 && at + 1 < args.Length)
        {
            status = await RunOnAsync(args[at + 1], "cluster", items, slots, rounds, traced);
        }

        return status;
    }

    private static async Task<int> RunOnAsync(string configuration, string topology, int items, int slots, int rounds, bool traced)
    {
        trace = traced;
        await using var engine = await MageFlow.Hatchet.DevEngine.HatchetDevEngine.StartAsync();
        var redisConfig = ConfigurationOptions.Parse(configuration);
        redisConfig.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfig);
        var primaries = redis.GetServers().Where(s => !s.IsReplica).ToArray();
        var session = new ProfilingSession();
        redis.RegisterProfiler(() => session);

        await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
        var noop = client.Task<Empty, Empty>("bench-swarm-noop", (_, _) => Task.FromResult(Empty.Instance));
        var prefix = "bench-" + Guid.NewGuid().ToString("N")[..8];
        await using var mageflow = await MageFlowClient.AttachAsync(client, new MageFlowOptions { Redis = redis, KeyPrefix = prefix });
        await using var worker = client.Worker("bench-swarm-worker", slots);
        await worker.StartAsync();
        Console.WriteLine($"swarm bench: {items} items, max_concurrency 100, {slots} slots, dev engine at {engine.GrpcAddress}, redis {topology} ({primaries.Length} primaries: {configuration})");

        // Warm-up, one full round of each: connections, script cache, and the JIT's tiering (a short warm-up leaves
        // hot paths in unoptimized code, which hurts the code that ran less of it more).
        await RunSwarmAsync(mageflow, noop, items);
        await noop.RunManyAsync(Enumerable.Range(0, items).Select(_ => Empty.Instance));

        // Rounds alternate plain and swarm, so background noise hits both; medians are reported.
        var plainTimes = new List<TimeSpan>();
        var swarmTimes = new List<TimeSpan>();
        long roundTrips = 0, redisCommands = 0, runs = 0, slotsTouched = 0;
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
            var statsBefore = await CommandCallsAsync(primaries);
            var redisCpuBefore = await RedisCpuAsync(primaries);
            Phase("swarm-start");
            var swarmWatch = Stopwatch.StartNew();
            using var sampler = new CancellationTokenSource();
            var sampling = trace ? SampleAsync(engine, swarmWatch, sampler.Token) : Task.CompletedTask;
            var (results, flow) = await RunSwarmAsync(mageflow, noop, items);
            await sampler.CancelAsync();
            await sampling;
            swarmTimes.Add(swarmWatch.Elapsed);
            Phase("swarm-end");
            roundTrips += session.FinishProfiling().Count();
            var statsAfter = await CommandCallsAsync(primaries);
            redisCpu += await RedisCpuAsync(primaries) - redisCpuBefore;
            runs += engine.Counters.RunsCreated - runsBefore;
            redisCommands += statsAfter - statsBefore - primaries.Length; // the INFO calls themselves

            // Measured after the counters: every key this flow wrote (its swarm's and its items'), by slot.
            slotsTouched += (await SlotsOfAsync(primaries, prefix, flow)).Count;
            if (results != items)
            {
                Console.Error.WriteLine($"swarm returned {results} results for {items} items");
                return 1;
            }
        }

        // Many small flows made one after another: how far they spread over the cluster's slots.
        var spread = new HashSet<int>();
        foreach (var flow in await Task.WhenAll(Enumerable.Range(0, SpreadFlows).Select(_ => RunSwarmAsync(mageflow, noop, 2))))
        {
            spread.UnionWith(await SlotsOfAsync(primaries, prefix, flow.Flow));
        }

        var plain = Median(plainTimes);
        var swarmTime = Median(swarmTimes);
        var total = (double)items * rounds;
        Console.WriteLine(FormattableString.Invariant($"plain: runs={items} median_seconds={plain.TotalSeconds:0.000}; swarm: median_seconds={swarmTime.TotalSeconds:0.000} (over {rounds} rounds)"));
        Console.WriteLine("per round (swarm/plain): " + string.Join(' ', plainTimes.Zip(swarmTimes, (p, w) => (w / p).ToString("0.00", CultureInfo.InvariantCulture))));
        Console.WriteLine(FormattableString.Invariant($"redis-server cpu: {redisCpu.TotalMilliseconds * 1000 / total:0} us per swarm item"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"swarm: redis={topology} items={items} round_trips_per_item={roundTrips / total:0.00} redis_cmds_per_item={redisCommands / total:0.00} engine_runs_per_item={runs / total:0.00} overhead_ratio={swarmTime / plain:0.00} slots_touched_per_flow={slotsTouched / (double)rounds:0.00} slots_used_by_{SpreadFlows}_flows={spread.Count}"));
        return 0;
    }

    /// <summary>Runs one swarm flow; returns its result count and the ids of its records (the swarm's and its items').</summary>
    private static async Task<(int Results, HashSet<string> Flow)> RunSwarmAsync(MageFlowClient mageflow, Tasks.TaskDeclaration<Empty, Empty> noop, int items)
    {
        var signatures = await mageflow.SignManyAsync(noop, Enumerable.Range(0, items).Select(_ => (object?)null));
        Phase("signed");
        var swarm = await mageflow.SwarmAsync(signatures, new SwarmConfig(MaxConcurrency: 100), closed: true);
        Phase("swarm-created");
        var results = await swarm.RunAsync<List<Empty>>();
        return (results.Count, [swarm.Id, .. signatures.Select(s => s.Id)]);
    }

    /// <summary>The distinct cluster slots of every key under <paramref name="prefix"/> (on every primary) that belongs to
    /// one of <paramref name="flow"/>'s records: <c>…:sig:&lt;id&gt;</c> and <c>…:swarm:&lt;id&gt;:&lt;part&gt;</c>.</summary>
    private static async Task<HashSet<int>> SlotsOfAsync(IServer[] primaries, string prefix, HashSet<string> flow)
    {
        var slotsOfFlow = new HashSet<int>();
        foreach (var server in primaries)
        {
            foreach (var pattern in new[] { "{" + prefix + "}:*", "{" + prefix + ":*}:*" })
            {
                await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000))
                {
                    var name = (string)key!;
                    if (RecordIdOf(name) is { } id && flow.Contains(id))
                    {
                        slotsOfFlow.Add(KeySlot(name));
                    }
                }
            }
        }

        return slotsOfFlow;
    }

    private static string? RecordIdOf(string key)
    {
        foreach (var marker in new[] { ":sig:", ":swarm:" })
        {
            var at = key.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var rest = key[(at + marker.Length)..];
                var end = rest.IndexOf(':', StringComparison.Ordinal);
                return end < 0 ? rest : rest[..end];
            }
        }

        return null;
    }

    /// <summary>CLUSTER KEYSLOT's answer: CRC16-XMODEM of the key's hash tag (or of the whole key), modulo 16384.</summary>
    private static int KeySlot(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : key.IndexOf('}', open + 1);
        var hashed = close > open + 1 ? key[(open + 1)..close] : key;
        ushort crc = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(hashed))
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
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

    /// <summary>CPU time the redis-servers have used (user + system), from <c>INFO cpu</c> of every primary.</summary>
    private static async Task<TimeSpan> RedisCpuAsync(IServer[] servers)
    {
        var seconds = 0.0;
        foreach (var group in (await Task.WhenAll(servers.Select(s => s.InfoAsync("cpu")))).SelectMany(g => g))
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

    private static async Task<long> CommandCallsAsync(IServer[] servers)
    {
        long total = 0;
        foreach (var group in (await Task.WhenAll(servers.Select(s => s.InfoAsync("commandstats")))).SelectMany(g => g))
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

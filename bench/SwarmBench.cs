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
/// </summary>
internal static class SwarmBench
{
    public static async Task<int> RunAsync(int items, int slots)
    {
        await using var engine = await MageFlow.Hatchet.DevEngine.DevEngine.StartAsync();
        var redisConfig = ConfigurationOptions.Parse(Environment.GetEnvironmentVariable("REDIS_URL") is { } url ? url.Replace("redis://", string.Empty, StringComparison.Ordinal) : "localhost:6379");
        redisConfig.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfig);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var session = new ProfilingSession();
        redis.RegisterProfiler(() => session);

        await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
        var noop = client.Task<Empty, Empty>("bench-swarm-noop", (_, _) => Task.FromResult(Empty.Instance));
        await using var mageflow = await Mageflow.AttachAsync(client, new MageflowOptions { Redis = redis, KeyPrefix = "bench-" + Guid.NewGuid().ToString("N")[..8] });
        await using var worker = client.Worker("bench-swarm-worker", slots);
        await worker.StartAsync();
        Console.WriteLine($"swarm bench: {items} items, max_concurrency 100, {slots} slots, dev engine at {engine.GrpcAddress}");

        // Warm-up: JIT, connections, script cache.
        await RunSwarmAsync(mageflow, noop, Math.Min(200, items));
        await noop.RunManyAsync(Enumerable.Range(0, Math.Min(200, items)).Select(_ => Empty.Instance));

        // Three rounds, alternating plain and swarm, so background noise hits both; medians are reported.
        const int rounds = 3;
        var plainTimes = new List<TimeSpan>();
        var swarmTimes = new List<TimeSpan>();
        long roundTrips = 0, redisCommands = 0, runs = 0;
        for (var round = 0; round < rounds; round++)
        {
            var plainWatch = Stopwatch.StartNew();
            await noop.RunManyAsync(Enumerable.Range(0, items).Select(_ => Empty.Instance));
            plainTimes.Add(plainWatch.Elapsed);

            session.FinishProfiling();
            var runsBefore = engine.Counters.RunsCreated;
            var statsBefore = await CommandCallsAsync(server);
            var swarmWatch = Stopwatch.StartNew();
            var results = await RunSwarmAsync(mageflow, noop, items);
            swarmTimes.Add(swarmWatch.Elapsed);
            roundTrips += session.FinishProfiling().Count();
            var statsAfter = await CommandCallsAsync(server);
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
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"swarm: items={items} round_trips_per_item={roundTrips / total:0.00} redis_cmds_per_item={redisCommands / total:0.00} engine_runs_per_item={runs / total:0.00} overhead_ratio={swarmTime / plain:0.00}"));
        return 0;
    }

    private static async Task<int> RunSwarmAsync(Mageflow mageflow, Tasks.TaskDeclaration<Empty, Empty> noop, int items)
    {
        var signatures = await mageflow.SignManyAsync(noop, Enumerable.Range(0, items).Select(_ => (object?)null));
        var swarm = await mageflow.SwarmAsync(signatures, new SwarmConfig(MaxConcurrency: 100), isSwarmClosed: true);
        var results = await swarm.RunAsync<List<Empty>>();
        return results.Count;
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

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

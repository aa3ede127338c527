using System.Diagnostics;
using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Signatures;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>
/// <c>chaos</c>: many flows at once (roots with nested roots, chains, explicit swarms with limits, callbacks) on three
/// C# worker processes and one TypeScript worker, while <see cref="FaultInjector"/> kills workers, restarts and stalls
/// Redis, kills its connections, drops listen streams, pauses the engine and duplicates its run-finished events.
/// Malformed inputs are mixed in. After a bounded drain every flow is checked against its spec
/// (<see cref="FlowVerifier"/>); the last line is <see cref="ChaosSummary"/>.
/// </summary>
internal static class ChaosBench
{
    public static async Task<int> RunAsync(ChaosOptions options)
    {
        var watch = Stopwatch.StartNew();
        var workload = ChaosWorkload.Create(options.Seed, options.Flows);
        await using var redis = await RedisServerProcess.StartAsync("state", aof: true);
        await using var ledgerServer = await RedisServerProcess.StartAsync("ledger", aof: false);
        await using var engine = await HatchetDevEngine.StartAsync();
        var prefix = "chaos-" + options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string>(engine.ClientEnvironment)
        {
            ["REDIS_URL"] = redis.Configuration,
            ["CHAOS_LEDGER"] = ledgerServer.Configuration,
            ["CHAOS_PREFIX"] = prefix,
        };
        Console.WriteLine($"chaos bench: seed {options.Seed}, {options.Flows} flows over {options.Minutes} min, {options.FaultsPerKind} fault(s) of each kind, dev engine at {engine.GrpcAddress}, redis on {redis.Port}");

        var workers = new List<WorkerProcess> { WorkerProcess.CSharp("cs1", env), WorkerProcess.CSharp("cs2", env), WorkerProcess.CSharp("cs3", env), WorkerProcess.TypeScript(env) };
        try
        {
            await Task.WhenAll(workers.Select(w => w.StartAsync()));
            await using var ledger = await ConnectionMultiplexer.ConnectAsync(ledgerServer.Configuration);
            await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
            var tasks = ChaosTasks.Declare(client, ledger: null);
            await using var mageflow = await MageFlowClient.AttachAsync(client, ChaosTasks.MageFlowOptions(redis.Configuration, prefix));
            await mageflow.RegisterExternalTasksAsync([ChaosTasks.TsLeafName]);

            var injector = new FaultInjector(engine, redis, workers);
            var started = DateTimeOffset.UtcNow;
            using var stop = new CancellationTokenSource();
            var faults = injector.RunAsync(options.Seed, options, started, stop.Token);
            var submitted = workload.Flows.Select(f => new SubmittedFlow(f)).ToList();
            var badInputs = new BadInputs(client, engine.GrpcAddress, engine.Token);
            var badResults = await SubmitAsync(workload, submitted, tasks, mageflow, badInputs, options, started);
            await faults;

            // The run lasts its whole duration even when the last fault fired early: --minutes 15 is 15 minutes of
            // load and faults, the drain comes after.
            var rest = started + options.Duration - DateTimeOffset.UtcNow;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }

            Console.WriteLine($"  workload submitted and faults done after {watch.Elapsed.TotalSeconds:0} s; draining");

            var db = ledger.GetDatabase();
            var stuck = await FlowVerifier.DrainAsync(submitted, db, options.Drain);
            await Task.Delay(TimeSpan.FromSeconds(3)); // a late duplicate callback would show up now
            var (lost, duplicated, stuckCount, wrong) = await FlowVerifier.VerifyAsync(submitted, stuck, db);
            foreach (var (kind, error) in badResults.Where(r => r.Error is not null))
            {
                wrong++;
                Console.WriteLine($"  wrong: bad input ({BadInputs.Describe(kind)}): {error}");
            }

            var summary = new ChaosSummary(
                options.Flows,
                Enum.GetValues<FaultKind>().ToDictionary(k => k, injector.Fired),
                options.FaultsPerKind,
                badResults.Count,
                lost,
                duplicated,
                stuckCount,
                wrong,
                options.Seed);
            if (!summary.Passed)
            {
                Console.WriteLine($"  FAILED: replay with --seed {options.Seed} --minutes {options.Minutes} --flows {options.Flows}");
            }

            var c = engine.Counters;
            Console.WriteLine($"  engine: runs_created={c.RunsCreated} tasks_assigned={c.TasksAssigned} tasks_completed={c.TasksCompleted} tasks_failed={c.TasksFailed} stale_reports={c.StaleEvents}");
            Console.WriteLine($"  wall time {watch.Elapsed.TotalSeconds:0} s");
            Console.WriteLine(summary);
            return summary.Passed ? 0 : 1;
        }
        finally
        {
            foreach (var w in workers)
            {
                await w.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Submits the flows evenly over 85% of the run (the rest is faults only), every tenth slot a bad input. A
    /// submission that meets a fault is retried: signing again leaves at most an unused signature behind, and
    /// running the same signature again is a no-op once it has started.
    /// </summary>
    private static async Task<List<(BadInputKind Kind, string? Error)>> SubmitAsync(
        ChaosWorkload workload, List<SubmittedFlow> flows, ChaosTasks tasks, MageFlowClient mageflow, BadInputs badInputs, ChaosOptions options, DateTimeOffset started)
    {
        var gap = options.Duration * 0.85 / Math.Max(1, flows.Count + workload.BadInputs.Count);
        var pending = new List<Task>();
        var bad = new List<Task<(BadInputKind, string?)>>();
        var badIndex = 0;
        using var gate = new SemaphoreSlim(16);
        for (var i = 0; i < flows.Count; i++)
        {
            if (i % ChaosWorkload.BadInputEvery == ChaosWorkload.BadInputEvery - 1 && badIndex < workload.BadInputs.Count)
            {
                var kind = workload.BadInputs[badIndex++];
                bad.Add(Task.Run(async () => (kind, await badInputs.SendAsync(kind))));
            }

            var wait = started + (gap * (i + badIndex)) - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var flow = flows[i];
            await gate.WaitAsync();
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    await SubmitOneAsync(flow, tasks, mageflow);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(pending);
        return [.. await Task.WhenAll(bad)];
    }

    private static async Task SubmitOneAsync(SubmittedFlow flow, ChaosTasks tasks, MageFlowClient mageflow)
    {
        var spec = flow.Spec;
        var signature = await RetryAsync(spec.Id, async () =>
        {
            var callback = await mageflow.SignAsync(tasks.Callback, new { flow = spec.Id });
            return await tasks.SignAsync(mageflow, spec.Top, spec.Id, [callback]);
        });
        if (signature is null)
        {
            flow.SubmitError = "signing kept failing";
            return;
        }

        flow.Signature = signature;
        await RetryAsync(spec.Id, async () =>
        {
            await signature.RunNoWaitAsync(ChaosTasks.MessageFor(spec.Top, spec.Id));
            return signature;
        });
    }

    private static async Task<Signature?> RetryAsync(string flow, Func<Task<Signature>> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (attempt < 120)
            {
                if (attempt == 1)
                {
                    Console.WriteLine($"  submit {flow}: {e.GetType().Name}: {e.Message.Split('\n')[0]} (retrying)");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
            catch (Exception e)
            {
                Console.WriteLine($"  submit {flow} gave up: {e.GetType().Name}: {e.Message}");
                return null;
            }
        }
    }
}

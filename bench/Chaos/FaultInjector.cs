using MageFlow.Hatchet.DevEngine;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>The kinds of fault, in the order the summary line names them.</summary>
internal enum FaultKind
{
    WorkerKill,
    RedisRestart,
    ConnKill,
    Stall,
    StreamDrop,
    EnginePause,
    DuplicatedEvents,
}

/// <summary>
/// Fires faults on a schedule drawn from the seed: <see cref="ChaosOptions.FaultsPerKind"/> of each kind at random
/// times over the run, one at a time. Each is counted once it has fully happened (a killed worker is back, a
/// restarted Redis answers, a paused engine serves again).
/// </summary>
internal sealed class FaultInjector(HatchetDevEngine engine, RedisServerProcess redis, IReadOnlyList<WorkerProcess> workers)
{
    private readonly int[] _fired = new int[Enum.GetValues<FaultKind>().Length];

    public int Fired(FaultKind kind) => Volatile.Read(ref _fired[(int)kind]);

    /// <summary>The schedule: (offset from the start, kind), ordered by time.</summary>
    public static IReadOnlyList<(TimeSpan At, FaultKind Kind)> Schedule(int seed, ChaosOptions options)
    {
        var random = new Random(seed ^ 0x5eed);
        var start = TimeSpan.FromSeconds(5);
        var window = options.Duration - start - TimeSpan.FromSeconds(5);
        return Enum.GetValues<FaultKind>()
            .SelectMany(k => Enumerable.Repeat(k, options.FaultsPerKind))
            .Select(k => (At: start + (window * random.NextDouble()), Kind: k))
            .OrderBy(f => f.At)
            .ToList();
    }

    public async Task RunAsync(int seed, ChaosOptions options, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var random = new Random(seed ^ 0xfa17);
        foreach (var (at, kind) in Schedule(seed, options))
        {
            var wait = started + at - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            try
            {
                await FireAsync(kind, random);
                Interlocked.Increment(ref _fired[(int)kind]);
                Console.WriteLine(FormattableString.Invariant($"  fault {kind} at {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s"));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"  fault {kind} could not be fired: {e.Message}");
            }
        }
    }

    private async Task FireAsync(FaultKind kind, Random random)
    {
        switch (kind)
        {
            case FaultKind.WorkerKill:
                var worker = workers[random.Next(workers.Count)];
                await worker.KillHardAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 3000)));
                await worker.StartAsync();
                break;
            case FaultKind.RedisRestart:
                await redis.ShutdownAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 1500)));
                await redis.StartAsync();
                break;
            case FaultKind.ConnKill:
                await redis.CliAsync("CLIENT", "KILL", "TYPE", "normal");
                break;
            case FaultKind.Stall:
                await redis.CliAsync("DEBUG", "SLEEP", (random.Next(10, 30) / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case FaultKind.StreamDrop:
                engine.DropListenStreams();
                break;
            case FaultKind.EnginePause:
                await engine.SuspendAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1000, 4000)));
                await engine.ResumeAsync();
                break;
            case FaultKind.DuplicatedEvents:
                engine.DuplicateRunFinishedEvents(random.Next(10, 50));
                break;
        }
    }
}

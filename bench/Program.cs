using MageFlow.Hatchet.Bench;

// Benchmarks print the figures the issues ask for. Each mode's last line is its summary.
//   dotnet run -c Release --project bench -- engine [--runs N] [--slots N]
//   dotnet run -c Release --project bench -- swarm [--items N] [--rounds N] [--trace]
//   dotnet run -c Release --project bench -- throughput [--runs N] [--slots N] [--rounds N] [--csharp-only]
//   dotnet run -c Release --project bench -- root [--children N]
//   dotnet run -c Release --project bench -- chaos [--seed S] [--minutes M] [--flows N] [--faults-per-kind K] [--drain-seconds D]
var mode = args.Length > 0 ? args[0] : "help";
var runs = Option(args, "--runs", 5000);
var slots = Option(args, "--slots", 100);
switch (mode)
{
    case "engine":
        return await EngineBench.RunAsync(runs, slots);
    case "root":
        return await RootBench.RunAsync(Option(args, "--children", 10000));
    case "root-worker":
        return await RootBench.WorkerAsync(Option(args, "--children", 10000));
    case "chaos":
        return await MageFlow.Hatchet.Bench.Chaos.ChaosBench.RunAsync(MageFlow.Hatchet.Bench.Chaos.ChaosOptions.Parse(args));
    case "chaos-worker":
        return await MageFlow.Hatchet.Bench.Chaos.ChaosWorker.RunAsync(args[1]);
    case "swarm":
        return await SwarmBench.RunAsync(Option(args, "--items", 2000), slots, Option(args, "--rounds", 15), args.Contains("--trace"));
    case "throughput":
        return await ThroughputBench.RunAsync(runs, slots, Option(args, "--rounds", 9), args.Contains("--csharp-only"));
    default:
        Console.Error.WriteLine("usage: mageflow-bench engine|throughput|swarm|root|chaos [--runs N] [--slots N]");
        return 2;
}

static int Option(string[] args, string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

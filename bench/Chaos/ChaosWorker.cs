using MageFlow.Hatchet.Orchestration;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>
/// <c>chaos-worker</c>: one of the three C# worker processes. It serves the workload's tasks with MageFlow on the
/// faulted Redis (<c>REDIS_URL</c>) and writes callbacks to the ledger (<c>CHAOS_LEDGER</c>), prints "ready", and
/// runs until its stdin closes or the injector kills it.
/// </summary>
internal static class ChaosWorker
{
    public static async Task<int> RunAsync(string name)
    {
        await using var ledger = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("CHAOS_LEDGER")!);
        await using var client = HatchetClient.Create();
        ChaosTasks.Declare(client, ledger.GetDatabase());
        await using var mageflow = await MageFlowClient.AttachAsync(client, ChaosTasks.MageFlowOptions(Environment.GetEnvironmentVariable("REDIS_URL")!, Environment.GetEnvironmentVariable("CHAOS_PREFIX")!));
        await mageflow.RegisterExternalTasksAsync([ChaosTasks.TsLeafName]);
        await using var worker = client.Worker(name, 20);
        await worker.StartAsync();
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        return 0;
    }
}

using MageFlow.Hatchet;
using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Samples;

/// <summary>
/// What every sample needs: a Hatchet engine (the one HATCHET_CLIENT_TOKEN points at, or else an in-process
/// dev engine), a client, MageFlow on Redis (REDIS_URL, default localhost:6379) and a worker.
/// </summary>
internal sealed class SampleEnvironment : IAsyncDisposable
{
    private readonly HatchetDevEngine? _engine;
    private HatchetWorker? _worker;

    private SampleEnvironment(HatchetDevEngine? engine, HatchetClient client)
    {
        _engine = engine;
        Client = client;
    }

    public HatchetClient Client { get; }

    public MageFlowClient MageFlow { get; private set; } = null!;

    public static async Task<SampleEnvironment> CreateAsync()
    {
        HatchetDevEngine? engine = null;
        HatchetClientOptions options;
        if (Environment.GetEnvironmentVariable("HATCHET_CLIENT_TOKEN") is null)
        {
            engine = await HatchetDevEngine.StartAsync();
            options = HatchetClientOptions.FromEnvironment(engine.ClientEnvironment);
            Console.WriteLine($"(no HATCHET_CLIENT_TOKEN: using an in-process Hatchet dev engine at {engine.HostPort})");
        }
        else
        {
            options = HatchetClientOptions.FromEnvironment();
        }

        return new SampleEnvironment(engine, await HatchetClient.ConnectAsync(options));
    }

    /// <summary>Attaches MageFlow (after the tasks are declared) and starts a worker serving them.</summary>
    public async Task StartAsync(string workerName, int slots = 50)
    {
        MageFlow = await MageFlowClient.AttachAsync(Client, new MageFlowOptions { KeyPrefix = "mageflow-samples" });
        _worker = Client.Worker(workerName, slots);
        await _worker.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        if (MageFlow is not null)
        {
            await MageFlow.DisposeAsync();
        }

        await Client.DisposeAsync();
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}

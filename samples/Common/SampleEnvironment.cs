using MageFlow.Hatchet;
using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Samples;

/// <summary>
/// What every sample needs: a Hatchet engine (the one HATCHET_CLIENT_TOKEN points at, or else an in-process dev engine),
/// a client with MageFlow attached (Redis from REDIS_URL, default localhost:6379), a worker, and a way to check that
/// the behaviour the sample shows really happened: the sample exits 0 only if every check held.
/// </summary>
internal sealed class SampleEnvironment : IAsyncDisposable
{
    private readonly HatchetDevEngine? _engine;
    private HatchetWorker? _worker;
    private int _failures;

    private SampleEnvironment(HatchetDevEngine? engine, HatchetClient client, MageFlowClient mageflow)
    {
        _engine = engine;
        Client = client;
        MageFlow = mageflow;
    }

    public HatchetClient Client { get; }

    public MageFlowClient MageFlow { get; }

    /// <summary>Gets the exit code: 0 when every check held.</summary>
    public int ExitCode => _failures == 0 ? 0 : 1;

    /// <summary>Connects and attaches MageFlow. Tasks may be declared after this: MageFlow records them when the worker starts.</summary>
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

        var client = await HatchetClient.ConnectAsync(options);
        var mageflow = await MageFlowClient.AttachAsync(client, new MageFlowOptions { KeyPrefix = "mageflow-samples" });
        return new SampleEnvironment(engine, client, mageflow);
    }

    /// <summary>Starts a worker serving every task declared so far.</summary>
    public async Task StartWorkerAsync(string workerName, int slots = 50)
    {
        _worker = Client.Worker(workerName, slots);
        await _worker.StartAsync();
    }

    /// <summary>Prints what was checked, and remembers a failure.</summary>
    public void Check(bool holds, string what)
    {
        Console.WriteLine($"{(holds ? "  ok " : "  FAILED ")} {what}");
        if (!holds)
        {
            _failures++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        await MageFlow.DisposeAsync();
        await Client.DisposeAsync();
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}

using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// One worker after another on one engine, for worker-loss tests of durable tasks. Each worker has a client of its own
/// with the test's tasks declared; the first dies (its client is disposed: every stream cut, nothing more reported),
/// then the second starts. Disposing stops the survivor, then lets the dead worker stop.
/// </summary>
internal sealed class WorkerHandover(HatchetDevEngine engine, Action<HatchetClient> declare, int slots) : IAsyncDisposable
{
    private HatchetClient? _dying;
    private HatchetWorker? _first;
    private HatchetClient? _survivor;
    private HatchetWorker? _second;

    /// <summary>A client of the engine (the test's caller, for instance).</summary>
    public HatchetClient NewClient() => HatchetClient.Create(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));

    /// <summary>Starts the worker that will die.</summary>
    public async Task StartFirstAsync()
    {
        _dying = NewClient();
        _first = await StartWorkerAsync(_dying);
    }

    /// <summary>The first worker dies; the second starts.</summary>
    public async Task FirstDiesSecondStartsAsync()
    {
        await _dying!.DisposeAsync();
        _survivor = NewClient();
        _second = await StartWorkerAsync(_survivor);
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        if (_survivor is not null)
        {
            await _survivor.DisposeAsync();
        }

        try
        {
            if (_first is not null)
            {
                await _first.DisposeAsync();
            }
        }
        catch (ObjectDisposedException)
        {
            // Its client is gone; this worker only had to stop.
        }
    }

    private async Task<HatchetWorker> StartWorkerAsync(HatchetClient client)
    {
        declare(client);
        var worker = client.Worker(new HatchetWorkerOptions(Names.Unique("w")) { Slots = slots, DrainTimeout = TimeSpan.FromSeconds(1) });
        await worker.StartAsync().WaitAsync(Timeouts.Wait);
        return worker;
    }
}

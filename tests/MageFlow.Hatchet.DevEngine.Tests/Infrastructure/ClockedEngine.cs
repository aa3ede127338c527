using Grpc.Core;
using Grpc.Net.Client;

namespace MageFlow.Hatchet.DevEngine.Tests.Infrastructure;

/// <summary>
/// A dev engine of one test's own whose clock is a <see cref="ManualClock"/>: timeouts, backoffs and heartbeat
/// lapses happen when the test advances the clock, never in real time. <see cref="Advance"/> moves the clock and
/// has the engine act on the new time before it returns, so a test can look right after it.
/// </summary>
internal sealed class ClockedEngine : IEngineWire, IAsyncDisposable
{
    private readonly GrpcChannel _channel;

    private ClockedEngine(HatchetDevEngine engine, ManualClock clock)
    {
        Engine = engine;
        Clock = clock;
        _channel = GrpcChannel.ForAddress(engine.GrpcAddress);
        Auth = new Metadata { { "authorization", "bearer " + engine.Token } };
    }

    public HatchetDevEngine Engine { get; }

    public ManualClock Clock { get; }

    public Metadata Auth { get; }

    public MageFlow.Hatchet.Protocol.Dispatcher.DispatcherClient Dispatcher => new(_channel);

    public MageFlow.Hatchet.Protocol.WorkflowService.WorkflowServiceClient Workflows => new(_channel);

    public MageFlow.Hatchet.Protocol.EventsService.EventsServiceClient Events => new(_channel);

    public MageFlow.Hatchet.Protocol.V1.AdminService.AdminServiceClient Admin => new(_channel);

    public static async Task<ClockedEngine> StartAsync(Action<DevEngineOptions>? configure = null)
    {
        var clock = new ManualClock();
        var options = new DevEngineOptions { TimeProvider = clock };
        configure?.Invoke(options);
        return new ClockedEngine(await HatchetDevEngine.StartAsync(options), clock);
    }

    /// <summary>Moves the clock and lets the engine fire whatever became due.</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        Engine.FireDueTimers();
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Engine.DisposeAsync();
    }
}

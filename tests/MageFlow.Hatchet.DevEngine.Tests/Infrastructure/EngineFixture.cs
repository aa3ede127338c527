using Grpc.Core;
using Grpc.Net.Client;

namespace MageFlow.Hatchet.DevEngine.Tests.Infrastructure;

/// <summary>One dev engine shared by the tests of a collection. Tests isolate themselves by unique names.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private HatchetDevEngine? _engine;
    private GrpcChannel? _channel;

    public HatchetDevEngine Engine => _engine ?? throw new InvalidOperationException("engine not started");

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("engine not started");

    /// <summary>Gets call metadata carrying the engine's token.</summary>
    public Metadata Auth => new() { { "authorization", "bearer " + Engine.Token } };

    internal MageFlow.Hatchet.Protocol.Dispatcher.DispatcherClient Dispatcher => new(Channel);

    internal MageFlow.Hatchet.Protocol.WorkflowService.WorkflowServiceClient Workflows => new(Channel);

    internal MageFlow.Hatchet.Protocol.EventsService.EventsServiceClient Events => new(Channel);

    internal MageFlow.Hatchet.Protocol.V1.AdminService.AdminServiceClient Admin => new(Channel);

    public async Task InitializeAsync()
    {
        _engine = await HatchetDevEngine.StartAsync();
        _channel = GrpcChannel.ForAddress(_engine.GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024, MaxSendMessageSize = 16 * 1024 * 1024 });
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "dev engine";
}

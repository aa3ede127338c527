using Grpc.Core;
using Grpc.Net.Client;

namespace MageFlow.Hatchet.DevEngine.Tests.Infrastructure;

/// <summary>
/// One dev engine shared by the tests of a collection, with a gRPC channel to it: the tests speak to the engine only
/// over the wire, with their own client stubs. Tests isolate themselves by unique names.
/// </summary>
public sealed class EngineFixture : DevEngineFixture, IEngineWire
{
    private GrpcChannel? _channel;

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("engine not started");

    /// <summary>Gets call metadata carrying the engine's token.</summary>
    public Metadata Auth => new() { { "authorization", "bearer " + Engine.Token } };

    HatchetDevEngine IEngineWire.Engine => Engine;

    internal MageFlow.Hatchet.Protocol.Dispatcher.DispatcherClient Dispatcher => new(Channel);

    internal MageFlow.Hatchet.Protocol.WorkflowService.WorkflowServiceClient Workflows => new(Channel);

    internal MageFlow.Hatchet.Protocol.EventsService.EventsServiceClient Events => new(Channel);

    internal MageFlow.Hatchet.Protocol.V1.AdminService.AdminServiceClient Admin => new(Channel);

    MageFlow.Hatchet.Protocol.Dispatcher.DispatcherClient IEngineWire.Dispatcher => Dispatcher;

    MageFlow.Hatchet.Protocol.WorkflowService.WorkflowServiceClient IEngineWire.Workflows => Workflows;

    MageFlow.Hatchet.Protocol.EventsService.EventsServiceClient IEngineWire.Events => Events;

    MageFlow.Hatchet.Protocol.V1.AdminService.AdminServiceClient IEngineWire.Admin => Admin;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _channel = GrpcChannel.ForAddress(Engine.GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024, MaxSendMessageSize = 16 * 1024 * 1024 });
    }

    public override async Task DisposeAsync()
    {
        _channel?.Dispose();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "dev engine";
}

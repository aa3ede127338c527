using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Infrastructure;

/// <summary>
/// What a test needs to speak to one dev engine over the wire: the engine (for its counters and fault hooks), the
/// token, and client stubs. The shared <see cref="EngineFixture"/> and an engine of a test's own
/// (<see cref="ClockedEngine"/>) both offer it, so <see cref="RawWorker"/> and the helpers work with either.
/// </summary>
internal interface IEngineWire
{
    HatchetDevEngine Engine { get; }

    Metadata Auth { get; }

    MageFlow.Hatchet.Protocol.Dispatcher.DispatcherClient Dispatcher { get; }

    MageFlow.Hatchet.Protocol.WorkflowService.WorkflowServiceClient Workflows { get; }

    MageFlow.Hatchet.Protocol.EventsService.EventsServiceClient Events { get; }

    MageFlow.Hatchet.Protocol.V1.AdminService.AdminServiceClient Admin { get; }
}

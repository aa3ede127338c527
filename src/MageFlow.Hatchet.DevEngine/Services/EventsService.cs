using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services;

/// <summary><c>/EventsService/*</c>: events (which trigger workflows), task logs and stream chunks.</summary>
internal sealed class EventsService(EngineState state) : Protocol.EventsService.EventsServiceBase
{
    public override Task<Event> Push(PushEventRequest request, ServerCallContext context) => Task.FromResult(PushOne(request));

    public override Task<Events> BulkPush(BulkPushEventRequest request, ServerCallContext context)
    {
        if (request.Events.Count == 0)
        {
            throw EngineState.Invalid("bulk push needs at least one event");
        }

        if (request.Events.Count > 1000)
        {
            throw EngineState.Invalid($"bulk push takes at most 1000 events per request, got {request.Events.Count}");
        }

        var response = new Events();
        foreach (var e in request.Events)
        {
            response.Events_.Add(PushOne(e));
        }

        return Task.FromResult(response);
    }

    public override Task<PutLogResponse> PutLog(PutLogRequest request, ServerCallContext context)
    {
        state.AppendLog(request.TaskRunExternalId, request.HasLevel ? request.Level : "INFO", request.Message);
        return Task.FromResult(new PutLogResponse());
    }

    public override Task<PutStreamEventResponse> PutStreamEvent(PutStreamEventRequest request, ServerCallContext context)
    {
        state.AppendStream(request.TaskRunExternalId);
        return Task.FromResult(new PutStreamEventResponse());
    }

    private Event PushOne(PushEventRequest request)
    {
        var id = Guid.NewGuid().ToString();
        state.Push(request, id);
        var evt = new Event
        {
            TenantId = state.TenantId,
            EventId = id,
            Key = request.Key,
            Payload = request.Payload,
            EventTimestamp = request.EventTimestamp ?? Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        };
        if (request.HasAdditionalMetadata)
        {
            evt.AdditionalMetadata = request.AdditionalMetadata;
        }

        if (request.HasScope)
        {
            evt.Scope = request.Scope;
        }

        return evt;
    }
}

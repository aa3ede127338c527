using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Services.Mapping;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services;

/// <summary><c>/EventsService/*</c>: events (which trigger workflows), task logs and stream chunks.</summary>
internal sealed class EventsService(Engine engine, DevEngineOptions options) : Protocol.EventsService.EventsServiceBase
{
    public override Task<Event> Push(PushEventRequest request, ServerCallContext context) => Task.FromResult(PushOne(request));

    public override Task<Events> BulkPush(BulkPushEventRequest request, ServerCallContext context)
    {
        if (request.Events.Count == 0)
        {
            throw EngineErrors.Invalid("bulk push needs at least one event");
        }

        if (request.Events.Count > 1000)
        {
            throw EngineErrors.Invalid($"bulk push takes at most 1000 events per request, got {request.Events.Count}");
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
        engine.Tasks.AppendLog(request.TaskRunExternalId, request.HasLevel ? request.Level : "INFO", request.Message);
        return Task.FromResult(new PutLogResponse());
    }

    public override Task<PutStreamEventResponse> PutStreamEvent(PutStreamEventRequest request, ServerCallContext context)
    {
        // Hatchet hands the bytes on as the event's string payload.
        var createdAt = (request.CreatedAt ?? new Timestamp()).ToDateTimeOffset();
        engine.Tasks.AppendStream(request.TaskRunExternalId, request.Message.ToStringUtf8(), createdAt, request.HasEventIndex ? request.EventIndex : null);
        return Task.FromResult(new PutStreamEventResponse());
    }

    private Event PushOne(PushEventRequest request)
    {
        var id = Guid.NewGuid().ToString();
        engine.Workflows.Push(RunRequestMapper.FromPush(request), id);
        var evt = new Event
        {
            TenantId = engine.TenantId,
            EventId = id,
            Key = request.Key,
            Payload = request.Payload,
            EventTimestamp = request.EventTimestamp ?? Timestamp.FromDateTimeOffset(options.TimeProvider.GetUtcNow()),
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

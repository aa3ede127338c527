using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services.Mapping;

/// <summary>Turns a <see cref="RunEvent"/> into the <c>WorkflowEvent</c> of <c>SubscribeToWorkflowEvents</c>.</summary>
internal static class WorkflowEventMapper
{
    /// <summary>Builds the wire message as Hatchet's dispatcher fills it for each kind of event.</summary>
    /// <param name="evt">The event.</param>
    /// <returns>The message.</returns>
    public static WorkflowEvent ToWire(RunEvent evt)
    {
        var wire = new WorkflowEvent
        {
            WorkflowRunId = evt.RunId,
            ResourceType = evt.EndsRun ? ResourceType.WorkflowRun : ResourceType.StepRun,
            EventType = evt.Kind switch
            {
                RunEventKind.TaskStarted => ResourceEventType.Started,
                RunEventKind.TaskCompleted or RunEventKind.RunCompleted => ResourceEventType.Completed,
                RunEventKind.TaskFailed or RunEventKind.RunFailed => ResourceEventType.Failed,
                RunEventKind.TaskCancelled or RunEventKind.RunCancelled => ResourceEventType.Cancelled,
                RunEventKind.TaskStream => ResourceEventType.Stream,
                _ => ResourceEventType.Unknown,
            },
            ResourceId = evt.ResourceId,
            EventTimestamp = Timestamp.FromDateTimeOffset(evt.At),
            EventPayload = evt.Payload,
            Hangup = evt.Hangup,
        };
        if (evt.RetryCount is { } retry)
        {
            wire.RetryCount = retry;
        }

        if (evt.EventIndex is { } index)
        {
            wire.EventIndex = index;
        }

        return wire;
    }
}

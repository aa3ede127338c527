using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.Runs;

/// <summary>Maps the engine's <c>WorkflowEvent</c> to <see cref="RunStreamEvent"/>.</summary>
internal static class RunStreamEvents
{
    public static RunStreamEvent ToEvent(WorkflowEvent evt) => new(
        evt.WorkflowRunId,
        KindOf(evt.ResourceType, evt.EventType),
        evt.ResourceId,
        evt.EventTimestamp?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch,
        evt.EventPayload,
        evt.HasRetryCount ? evt.RetryCount : null,
        evt.HasEventIndex ? evt.EventIndex : null,
        evt.Hangup);

    private static RunStreamEventKind KindOf(ResourceType resource, ResourceEventType type) => (resource, type) switch
    {
        (ResourceType.StepRun, ResourceEventType.Started) => RunStreamEventKind.TaskStarted,
        (ResourceType.StepRun, ResourceEventType.Completed) => RunStreamEventKind.TaskCompleted,
        (ResourceType.StepRun, ResourceEventType.Failed) => RunStreamEventKind.TaskFailed,
        (ResourceType.StepRun, ResourceEventType.Cancelled) => RunStreamEventKind.TaskCancelled,
        (ResourceType.StepRun, ResourceEventType.TimedOut) => RunStreamEventKind.TaskTimedOut,
        (ResourceType.StepRun, ResourceEventType.Stream) => RunStreamEventKind.TaskStream,
        (ResourceType.WorkflowRun, ResourceEventType.Completed) => RunStreamEventKind.RunCompleted,
        (ResourceType.WorkflowRun, ResourceEventType.Failed) => RunStreamEventKind.RunFailed,
        (ResourceType.WorkflowRun, ResourceEventType.Cancelled) => RunStreamEventKind.RunCancelled,
        (ResourceType.WorkflowRun, ResourceEventType.TimedOut) => RunStreamEventKind.RunTimedOut,
        _ => RunStreamEventKind.Unknown,
    };
}

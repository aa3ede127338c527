using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services.Mapping;

/// <summary>Turns the engine's <see cref="WorkerAction"/> into the <c>AssignedAction</c> a <c>ListenV2</c> stream sends.</summary>
internal static class AssignedActionMapper
{
    /// <summary>Builds the wire message. Runs outside the engine lock (see <see cref="ActionPayloadWriter"/>).</summary>
    /// <param name="action">The action.</param>
    /// <param name="tenantId">The engine's tenant id.</param>
    /// <returns>The message.</returns>
    public static AssignedAction ToWire(in WorkerAction action, string tenantId)
    {
        var task = action.Task;
        var run = task.Run;
        var isStart = action.Kind == WorkerActionKind.StartTask;
        var wire = new AssignedAction
        {
            TenantId = tenantId,
            WorkflowRunId = run.Id,
            JobId = task.Def.Id,
            JobName = task.Def.ReadableId,
            JobRunId = task.ExternalId,
            TaskId = task.Def.Id,
            TaskRunExternalId = task.ExternalId,
            ActionId = task.Def.Action,
            ActionType = isStart ? ActionType.StartStepRun : ActionType.CancelStepRun,
            ActionPayload = isStart ? ActionPayloadWriter.Write(task) : string.Empty,
            TaskName = task.Def.ReadableId,
            RetryCount = action.RetryCount,
            AdditionalMetadata = run.MetadataJson,
            Priority = run.Priority,
            WorkflowId = run.Def.WorkflowId,
            WorkflowVersionId = run.Def.VersionId,
            TaskInsertedAt = Timestamp.FromDateTimeOffset(task.InsertedAt),
        };
        if (action.DurableInvocation is { } invocation)
        {
            wire.DurableTaskInvocationCount = invocation;
        }

        if (run.ChildIndex is { } index)
        {
            wire.ChildWorkflowIndex = index;
        }

        if (run.ChildKey is { } key)
        {
            wire.ChildWorkflowKey = key;
        }

        if (run.ParentTask is { } parent)
        {
            // Carries the parent *task* run id, despite its name (see docs/dev-engine.md).
            wire.ParentWorkflowRunId = parent.ExternalId;
        }

        if (run.TriggeringEventId is { } eventId)
        {
            wire.TriggeringEventExternalId = eventId;
        }

        if (run.TriggeringEventKey is { } eventKey)
        {
            wire.TriggeringEventKey = eventKey;
        }

        return wire;
    }
}

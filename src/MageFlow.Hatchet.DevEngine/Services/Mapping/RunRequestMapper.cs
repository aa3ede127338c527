using Google.Protobuf.Collections;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;
using TriggerWorkflowRequest = MageFlow.Hatchet.Protocol.V1.TriggerWorkflowRequest;

namespace MageFlow.Hatchet.DevEngine.Services.Mapping;

/// <summary>Turns the protocol's ways of asking for a run into the engine's <see cref="RunRequest"/> (and events into <see cref="PushedEvent"/>).</summary>
internal static class RunRequestMapper
{
    /// <summary>From <c>WorkflowService/TriggerWorkflow</c> (and each item of <c>BulkTriggerWorkflow</c>).</summary>
    /// <param name="wire">The request.</param>
    /// <returns>The run request.</returns>
    public static RunRequest FromTrigger(TriggerWorkflowRequest wire) => new()
    {
        WorkflowName = wire.Name,
        InputJson = wire.Input,
        AdditionalMetadataJson = wire.HasAdditionalMetadata ? wire.AdditionalMetadata : null,
        Priority = wire.HasPriority ? wire.Priority : null,
        DesiredWorkerId = wire.HasDesiredWorkerId ? wire.DesiredWorkerId : null,
        ParentTaskRunExternalId = wire.HasParentTaskRunExternalId ? wire.ParentTaskRunExternalId : null,
        ChildIndex = wire.HasChildIndex ? wire.ChildIndex : null,
        ChildKey = wire.HasChildKey ? wire.ChildKey : null,
        DesiredLabels = DesiredLabels(wire.DesiredWorkerLabels),
    };

    /// <summary>From <c>BulkTriggerWorkflow</c>.</summary>
    /// <param name="wire">The requests.</param>
    /// <returns>The run requests, in order.</returns>
    public static RunRequest[] FromBulkTrigger(RepeatedField<TriggerWorkflowRequest> wire)
    {
        var requests = new RunRequest[wire.Count];
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i] = FromTrigger(wire[i]);
        }

        return requests;
    }

    /// <summary>From <c>v1.AdminService/TriggerWorkflowRun</c>.</summary>
    /// <param name="wire">The request.</param>
    /// <returns>The run request.</returns>
    public static RunRequest FromAdminTrigger(TriggerWorkflowRunRequest wire) => new()
    {
        WorkflowName = wire.WorkflowName,
        InputJson = wire.Input.ToStringUtf8(),
        AdditionalMetadataJson = wire.AdditionalMetadata.IsEmpty ? null : wire.AdditionalMetadata.ToStringUtf8(),
        Priority = wire.HasPriority ? wire.Priority : null,
        DesiredLabels = DesiredLabels(wire.DesiredWorkerLabels),
    };

    /// <summary>
    /// From <c>WorkflowService/ScheduleWorkflow</c>: the fields Hatchet stores for a scheduled run (workflow, input,
    /// metadata, priority; ScheduleWorkflow in internal/services/admin/server.go). The parent fields are checked by the
    /// service but not kept, so a scheduled run is never a child run.
    /// </summary>
    /// <param name="wire">The request.</param>
    /// <returns>The run request.</returns>
    public static RunRequest FromSchedule(ScheduleWorkflowRequest wire) => new()
    {
        WorkflowName = wire.Name,
        InputJson = wire.Input,
        AdditionalMetadataJson = wire.HasAdditionalMetadata ? wire.AdditionalMetadata : null,
        Priority = wire.HasPriority ? wire.Priority : null,
    };

    /// <summary>The times of a <c>ScheduleWorkflow</c> request.</summary>
    /// <param name="wire">The request.</param>
    /// <returns>The times, in order.</returns>
    public static DateTimeOffset[] ScheduleTimes(ScheduleWorkflowRequest wire) => wire.Schedules.Select(t => t.ToDateTimeOffset()).ToArray();

    /// <summary>From <c>EventsService/Push</c> (and each item of <c>BulkPush</c>).</summary>
    /// <param name="wire">The request.</param>
    /// <returns>The event.</returns>
    public static PushedEvent FromPush(PushEventRequest wire) => new(
        wire.Key,
        wire.Payload,
        wire.HasAdditionalMetadata ? wire.AdditionalMetadata : null,
        wire.HasPriority ? wire.Priority : null,
        wire.HasScope ? wire.Scope : null);

    private static Dictionary<string, DesiredLabel>? DesiredLabels(MapField<string, DesiredWorkerLabels> wire) =>
        wire.Count == 0 ? null : wire.ToDictionary(kv => kv.Key, kv => DesiredLabel.From(kv.Value), StringComparer.Ordinal);
}

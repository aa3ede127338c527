using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Services.Mapping;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services;

/// <summary><c>/WorkflowService/*</c>: triggering, bulk triggering, scheduling and rate limits.</summary>
internal sealed class WorkflowService(Engine engine, DevEngineOptions options) : Protocol.WorkflowService.WorkflowServiceBase
{
    public override Task<WorkflowVersion> PutWorkflow(PutWorkflowRequest request, ServerCallContext context) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "legacy v0 registration is not supported by the dev engine; register with v1.AdminService/PutWorkflow"));

    public override Task<TriggerWorkflowResponse> TriggerWorkflow(Protocol.V1.TriggerWorkflowRequest request, ServerCallContext context) =>
        Task.FromResult(new TriggerWorkflowResponse { WorkflowRunId = engine.Workflows.Trigger(RunRequestMapper.FromTrigger(request)) });

    public override Task<BulkTriggerWorkflowResponse> BulkTriggerWorkflow(BulkTriggerWorkflowRequest request, ServerCallContext context)
    {
        var response = new BulkTriggerWorkflowResponse();
        response.WorkflowRunIds.AddRange(engine.Workflows.BulkTrigger(RunRequestMapper.FromBulkTrigger(request.Workflows)));
        return Task.FromResult(response);
    }

    public override Task<WorkflowVersion> ScheduleWorkflow(ScheduleWorkflowRequest request, ServerCallContext context)
    {
        RejectIncompleteParent(request);
        var result = engine.Workflows.Schedule(RunRequestMapper.FromSchedule(request), RunRequestMapper.ScheduleTimes(request));
        var now = Timestamp.FromDateTimeOffset(options.TimeProvider.GetUtcNow());
        var version = new WorkflowVersion
        {
            Id = result.Def.VersionId,
            WorkflowId = result.Def.WorkflowId,
            Version = result.Def.Version,
            CreatedAt = now,
            UpdatedAt = now,
        };
        foreach (var s in result.Scheduled)
        {
            version.ScheduledWorkflows.Add(new ScheduledWorkflow { Id = s.Id, TriggerAt = Timestamp.FromDateTimeOffset(s.At) });
        }

        return Task.FromResult(version);
    }

    public override Task<PutRateLimitResponse> PutRateLimit(PutRateLimitRequest request, ServerCallContext context)
    {
        engine.Workflows.PutRateLimit(request.Key, request.Limit, request.Duration);
        return Task.FromResult(new PutRateLimitResponse());
    }

    /// <summary>
    /// Hatchet links no scheduled run to a parent, but a request that names a parent run must still name the parent
    /// task run and a child index (ScheduleWorkflow in internal/services/admin/server.go).
    /// </summary>
    private static void RejectIncompleteParent(ScheduleWorkflowRequest request)
    {
        if (!request.HasParentId)
        {
            return;
        }

        if (!request.HasParentTaskRunExternalId)
        {
            throw EngineErrors.Invalid("parent task run id is required when parent id is provided");
        }

        if (!request.HasChildIndex)
        {
            throw EngineErrors.Invalid("child index is required when parent id is provided");
        }
    }
}

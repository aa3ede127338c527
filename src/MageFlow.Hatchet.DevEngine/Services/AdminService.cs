using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Services.Mapping;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Services;

/// <summary><c>/v1.AdminService/*</c>: workflow registration, run details, cancel and replay.</summary>
internal sealed class AdminService(Engine engine) : Protocol.V1.AdminService.AdminServiceBase
{
    public override Task<CreateWorkflowVersionResponse> PutWorkflow(CreateWorkflowVersionRequest request, ServerCallContext context)
    {
        var def = engine.Workflows.PutWorkflow(request);
        return Task.FromResult(new CreateWorkflowVersionResponse { Id = def.VersionId, WorkflowId = def.WorkflowId });
    }

    public override Task<GetRunDetailsResponse> GetRunDetails(GetRunDetailsRequest request, ServerCallContext context) =>
        Task.FromResult(RunDetailsMapper.ToWire(engine.Runs.GetDetails(request.ExternalId)));

    public override Task<CancelTasksResponse> CancelTasks(CancelTasksRequest request, ServerCallContext context)
    {
        RejectFilter(request.Filter);
        var response = new CancelTasksResponse();
        response.CancelledTasks.AddRange(engine.Runs.Cancel(request.ExternalIds));
        return Task.FromResult(response);
    }

    public override Task<ReplayTasksResponse> ReplayTasks(ReplayTasksRequest request, ServerCallContext context)
    {
        RejectFilter(request.Filter);
        var response = new ReplayTasksResponse();
        response.ReplayedTasks.AddRange(engine.Runs.Replay(request.ExternalIds));
        return Task.FromResult(response);
    }

    public override Task<TriggerWorkflowRunResponse> TriggerWorkflowRun(TriggerWorkflowRunRequest request, ServerCallContext context) =>
        Task.FromResult(new TriggerWorkflowRunResponse { ExternalId = engine.Workflows.Trigger(RunRequestMapper.FromAdminTrigger(request)) });

    private static void RejectFilter(TasksFilter? filter)
    {
        if (filter is not null)
        {
            throw EngineErrors.Invalid("the dev engine cancels and replays by external_ids only; task filters are not supported");
        }
    }
}

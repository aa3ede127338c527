using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Services;

/// <summary><c>/v1.AdminService/*</c>: workflow registration, run details, cancel and replay.</summary>
internal sealed class AdminService(EngineState state) : Protocol.V1.AdminService.AdminServiceBase
{
    public override Task<CreateWorkflowVersionResponse> PutWorkflow(CreateWorkflowVersionRequest request, ServerCallContext context) =>
        Task.FromResult(state.PutWorkflow(request));

    public override Task<GetRunDetailsResponse> GetRunDetails(GetRunDetailsRequest request, ServerCallContext context) =>
        Task.FromResult(state.GetRunDetails(request.ExternalId));

    public override Task<CancelTasksResponse> CancelTasks(CancelTasksRequest request, ServerCallContext context)
    {
        RejectFilter(request.Filter);
        var response = new CancelTasksResponse();
        response.CancelledTasks.AddRange(state.Cancel(request.ExternalIds));
        return Task.FromResult(response);
    }

    public override Task<ReplayTasksResponse> ReplayTasks(ReplayTasksRequest request, ServerCallContext context)
    {
        RejectFilter(request.Filter);
        var response = new ReplayTasksResponse();
        response.ReplayedTasks.AddRange(state.Replay(request.ExternalIds));
        return Task.FromResult(response);
    }

    public override Task<TriggerWorkflowRunResponse> TriggerWorkflowRun(TriggerWorkflowRunRequest request, ServerCallContext context)
    {
        var trigger = new TriggerWorkflowRequest { Name = request.WorkflowName, Input = request.Input.ToStringUtf8() };
        if (!request.AdditionalMetadata.IsEmpty)
        {
            trigger.AdditionalMetadata = request.AdditionalMetadata.ToStringUtf8();
        }

        if (request.HasPriority)
        {
            trigger.Priority = request.Priority;
        }

        trigger.DesiredWorkerLabels.Add(request.DesiredWorkerLabels);
        return Task.FromResult(new TriggerWorkflowRunResponse { ExternalId = state.Trigger(trigger) });
    }

    private static void RejectFilter(TasksFilter? filter)
    {
        if (filter is not null)
        {
            throw EngineState.Invalid("the dev engine cancels and replays by external_ids only; task filters are not supported");
        }
    }
}

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
        var response = new CancelTasksResponse();
        response.CancelledTasks.AddRange(ToFilter(request.ExternalIds, request.Filter) is { } filter ? engine.Runs.Cancel(filter) : engine.Runs.Cancel(request.ExternalIds));
        return Task.FromResult(response);
    }

    public override Task<ReplayTasksResponse> ReplayTasks(ReplayTasksRequest request, ServerCallContext context)
    {
        var response = new ReplayTasksResponse();
        response.ReplayedTasks.AddRange(ToFilter(request.ExternalIds, request.Filter) is { } filter ? engine.Runs.Replay(filter) : engine.Runs.Replay(request.ExternalIds));
        return Task.FromResult(response);
    }

    public override Task<TriggerWorkflowRunResponse> TriggerWorkflowRun(TriggerWorkflowRunRequest request, ServerCallContext context) =>
        Task.FromResult(new TriggerWorkflowRunResponse { ExternalId = engine.Workflows.Trigger(RunRequestMapper.FromAdminTrigger(request)) });

    /// <summary>
    /// Reads a <c>TasksFilter</c> as Hatchet's admin service does: ids and a filter together are refused, a filter applies
    /// only when no ids are given, metadata pairs must all match.
    /// </summary>
    private static Core.Runs.RunFilter? ToFilter(Google.Protobuf.Collections.RepeatedField<string> ids, TasksFilter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        if (ids.Count != 0)
        {
            throw EngineErrors.Invalid("cannot provide both external ids and filter");
        }

        var statuses = new List<Core.Model.ExecutionStatus>();
        foreach (var s in filter.Statuses)
        {
            statuses.Add(s switch
            {
                "QUEUED" => Core.Model.ExecutionStatus.Queued,
                "RUNNING" => Core.Model.ExecutionStatus.Running,
                "COMPLETED" => Core.Model.ExecutionStatus.Completed,
                "FAILED" => Core.Model.ExecutionStatus.Failed,
                "CANCELLED" => Core.Model.ExecutionStatus.Cancelled,
                _ => throw EngineErrors.Invalid($"invalid status {s}"),
            });
        }

        if (filter.WorkflowIds.Any(w => !Guid.TryParse(w, out _)))
        {
            throw EngineErrors.Invalid("invalid workflow id");
        }

        var metadata = new List<KeyValuePair<string, string>>();
        foreach (var m in filter.AdditionalMetadata)
        {
            var at = m.IndexOf(':', StringComparison.Ordinal);
            metadata.Add(at < 0 ? throw EngineErrors.Invalid($"invalid additional metadata filter: {m}") : new(m[..at], m[(at + 1)..]));
        }

        return new Core.Runs.RunFilter
        {
            Since = filter.Since?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch,
            Until = filter.Until?.ToDateTimeOffset(),
            Statuses = statuses,
            WorkflowIds = [.. filter.WorkflowIds],
            Metadata = metadata,
            MetadataAll = true,
        };
    }
}

using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Hatchet's ScheduleWorkflow stores only the workflow, time, input, metadata and priority of a scheduled run
/// (ScheduleWorkflow in internal/services/admin/server.go), so the run is not linked to a parent task even when the
/// request names one; it only checks that a request with <c>parent_id</c> also has a parent task run id and a child index.
/// </summary>
public sealed class ScheduledRunLinkTests
{
    [Fact]
    public async Task ScheduleWorkflow_FromInsideATask_RunsUnlinkedFromTheParent()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var parentName = Unique("parent");
        var childName = Unique("later");
        await engine.PutAsync(Define(parentName, TaskOpts("p", parentName + ":p")));
        await engine.PutAsync(Define(childName, TaskOpts("c", childName + ":c")));
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [parentName + ":p", childName + ":c"], autoHeartbeat: false);
        await worker.HeartbeatAsync();
        await engine.TriggerAsync(parentName, metadata: "{\"team\":\"blue\"}");
        var parent = await worker.NextAsync();

        var request = new ScheduleWorkflowRequest
        {
            Name = childName,
            Input = "{}",
            ParentId = parent.WorkflowRunId,
            ParentTaskRunExternalId = parent.TaskRunExternalId,
            ChildIndex = 0,
            AdditionalMetadata = "{\"own\":1}",
        };
        request.Schedules.Add(Timestamp.FromDateTimeOffset(engine.Clock.GetUtcNow().AddSeconds(1)));
        await engine.Workflows.ScheduleWorkflowAsync(request, engine.Auth);
        engine.Advance(TimeSpan.FromSeconds(1));

        var scheduled = await worker.NextAsync();
        Assert.Equal("c", scheduled.TaskName);
        Assert.Equal(string.Empty, scheduled.ParentWorkflowRunId);
        Assert.False(scheduled.HasChildWorkflowIndex);
        using var meta = JsonDocument.Parse(scheduled.AdditionalMetadata);
        Assert.Equal(1, meta.RootElement.GetProperty("own").GetInt32());
        Assert.False(meta.RootElement.TryGetProperty("team", out _));
        Assert.False(meta.RootElement.TryGetProperty("hatchet__parent_workflow_run_id", out _));
    }

    [Fact]
    public async Task ScheduleWorkflow_ParentIdWithoutChildIndex_InvalidArgument()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("sched");
        await engine.PutAsync(Define(name, TaskOpts("t", name + ":t")));
        var request = new ScheduleWorkflowRequest
        {
            Name = name,
            Input = "{}",
            ParentId = Guid.NewGuid().ToString(),
            ParentTaskRunExternalId = Guid.NewGuid().ToString(),
        };
        request.Schedules.Add(Timestamp.FromDateTimeOffset(engine.Clock.GetUtcNow().AddMinutes(1)));
        var e = await Assert.ThrowsAsync<RpcException>(() => engine.Workflows.ScheduleWorkflowAsync(request, engine.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("child index is required when parent id is provided", e.Status.Detail);
    }
}

using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Task counts by status (api/v1/server/handlers/v1/tasks/get_metrics.go; <c>V1TaskRunMetrics</c>) and queued tasks per
/// queue (tenants/get_step_run_queue_metrics.go). The dev engine's queue is a task's action.
/// </summary>
internal static class RestMetrics
{
    private static readonly ExecutionStatus[] Order =
        [ExecutionStatus.Queued, ExecutionStatus.Running, ExecutionStatus.Completed, ExecutionStatus.Cancelled, ExecutionStatus.Failed];

    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapGet("/api/v1/stable/tenants/{tenantId}/task-metrics", (string tenantId, HttpContext http) =>
        {
            var q = http.Request.Query;
            if (!RestJson.TryTime(q["since"], out var since))
            {
                return RestJson.Error(400, "since is required and must be a date-time");
            }

            if (RestJson.OptionalTime(q, "until", out var until) is { } badUntil)
            {
                return badUntil;
            }

            if (RestJson.MetadataPairs(q["additional_metadata"], out var metadata) is { } badMetadata)
            {
                return badMetadata;
            }

            var runs = engine.Runs.List(new RunFilter
            {
                Since = since,
                Until = until,
                WorkflowIds = [.. q["workflow_ids"].Select(w => w ?? string.Empty)],
                Metadata = metadata,
                MetadataAll = true,
                ParentTaskExternalId = q["parent_task_external_id"].FirstOrDefault(),
                TriggeringEventId = q["triggering_event_external_id"].FirstOrDefault(),
            });
            var tasks = runs.SelectMany(r => r.Tasks).ToList();
            return Results.Json(new JsonArray([.. Order.Select(s => (JsonNode)new JsonObject
            {
                ["status"] = RestJson.Status(s),
                ["count"] = tasks.Count(t => t.Status == s),
            })]));
        });

        app.MapGet("/api/v1/tenants/{tenantId}/step-run-queue-metrics", (string tenantId, HttpContext http) =>
        {
            var queues = new JsonObject();
            foreach (var group in engine.Runs.List(new RunFilter { Since = DateTimeOffset.MinValue })
                .SelectMany(r => r.Tasks).Where(t => t.Status == ExecutionStatus.Queued).GroupBy(t => t.Task.Action).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                queues[group.Key] = group.Count();
            }

            return Results.Json(new JsonObject { ["queues"] = queues });
        });
    }
}

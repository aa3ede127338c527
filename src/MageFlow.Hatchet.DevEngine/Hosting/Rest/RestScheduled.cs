using System.Text.Json.Nodes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's scheduled-run endpoints (api/v1/server/handlers/workflows/*_scheduled.go; <c>ScheduledWorkflows</c> for the
/// JSON): create for a workflow by name, list, get, delete. A schedule that fired stays listed with its run, as in Hatchet.
/// </summary>
internal static class RestScheduled
{
    // Filters by parent run need the parent links Hatchet records for schedules spawned by tasks; the dev engine has none.
    private static readonly string[] UnsupportedFilters = ["parentWorkflowRunId", "parentStepRunId"];

    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapPost("/api/v1/tenants/{tenantId}/workflows/{workflow}/scheduled", async (string tenantId, string workflow, HttpContext http) =>
        {
            var (body, problem) = await RestJson.ReadObjectAsync(http).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (body!["input"] is not (JsonObject or null) || body["additionalMetadata"] is not (JsonObject or null))
            {
                return RestJson.Error(400, "invalid request body: input and additionalMetadata must be objects");
            }

            if (!RestJson.TryTime((body["triggerAt"] as JsonValue)?.ToString(), out var at))
            {
                return RestJson.Error(400, "invalid request body: triggerAt is required and must be a date-time");
            }

            int? priority = null;
            if (body["priority"] is JsonValue p)
            {
                if (!p.TryGetValue<int>(out var pr) || pr is < 1 or > 3)
                {
                    return RestJson.Error(400, "priority must be between 1 and 3");
                }

                priority = pr;
            }

            try
            {
                var result = engine.Workflows.Schedule(
                    new RunRequest
                    {
                        WorkflowName = workflow,
                        InputJson = body["input"]?.ToJsonString() ?? "{}",
                        AdditionalMetadataJson = body["additionalMetadata"]?.ToJsonString(),
                        Priority = priority,
                    },
                    [at]);
                return Results.Json(ToJson(result.Scheduled[0], result.Def, engine, null));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound)
            {
                return RestJson.Error(400, e.Status.Detail);
            }
        });

        app.MapGet("/api/v1/tenants/{tenantId}/workflows/scheduled", (string tenantId, HttpContext http) =>
        {
            var q = http.Request.Query;
            foreach (var name in UnsupportedFilters)
            {
                if (q.ContainsKey(name))
                {
                    return RestJson.Error(400, $"the dev engine does not support the '{name}' filter");
                }
            }

            if (RestJson.Paging(q, out var limit, out var offset) is { } badPage)
            {
                return badPage;
            }

            if (RestJson.MetadataPairs(q["additionalMetadata"], out var metadata) is { } badMetadata)
            {
                return badMetadata;
            }

            var statuses = q["statuses"].Select(s => s ?? string.Empty).ToHashSet(StringComparer.Ordinal);
            string? workflowId = q["workflowId"];
            var rows = engine.Workflows.ListScheduled((s, def) =>
                (workflowId is null || def.WorkflowId == workflowId) &&
                metadata.All(m => RestJson.AsObject(s.Request.AdditionalMetadataJson)[m.Key] is JsonValue v && v.ToString() == m.Value))
                .Select(r => (r.Scheduled, r.Workflow, Status: RunStatus(engine, r.Scheduled)))
                .Where(r => statuses.Count == 0 || statuses.Contains(r.Status ?? "SCHEDULED"))
                .ToList();
            IEnumerable<(ScheduledTrigger Scheduled, WorkflowDef Workflow, string? Status)> ordered = q["orderByField"].ToString() == "createdAt"
                ? rows.OrderBy(r => r.Scheduled.CreatedAt)
                : rows.OrderBy(r => r.Scheduled.At);
            if (q["orderByDirection"].ToString() != "ASC")
            {
                ordered = ordered.Reverse();
            }

            var page = new JsonArray([.. ordered.Skip(offset).Take(limit).Select(r => (JsonNode)ToJson(r.Scheduled, r.Workflow, engine, r.Status))]);
            return Results.Json(new JsonObject { ["rows"] = page, ["pagination"] = RestJson.Pagination(rows.Count, limit, offset) });
        });

        app.MapGet("/api/v1/tenants/{tenantId}/workflows/scheduled/{id}", (string tenantId, string id, HttpContext http) =>
        {
            var found = engine.Workflows.ListScheduled((s, _) => s.Id == id);
            return found.Count == 0
                ? RestJson.Error(404, "Scheduled workflow not found.")
                : Results.Json(ToJson(found[0].Scheduled, found[0].Workflow, engine, RunStatus(engine, found[0].Scheduled)));
        });

        app.MapDelete("/api/v1/tenants/{tenantId}/workflows/scheduled/{id}", (string tenantId, string id, HttpContext http) =>
        {
            if (!Guid.TryParse(id, out _))
            {
                return RestJson.Error(400, $"invalid scheduled run id '{id}'");
            }

            return engine.Workflows.DeleteScheduled(id) ? Results.NoContent() : RestJson.Error(404, "Scheduled workflow not found.");
        });
    }

    /// <summary>The status of the run a fired schedule started (Hatchet's <c>WorkflowRunStatus</c> names), or <see langword="null"/> before it fires.</summary>
    internal static string? RunStatus(Engine engine, ScheduledTrigger s)
    {
        if (s.RunId is not { } runId)
        {
            return null;
        }

        try
        {
            return engine.Runs.GetDetails(runId).Status switch
            {
                ExecutionStatus.Completed => "SUCCEEDED",
                ExecutionStatus.Failed => "FAILED",
                ExecutionStatus.Cancelled => "CANCELLED",
                ExecutionStatus.Running => "RUNNING",
                _ => "QUEUED",
            };
        }
        catch (RpcException)
        {
            // The run was forgotten (retention): Hatchet would still know it; the dev engine no longer does.
            return null;
        }
    }

    internal static JsonObject ToJson(ScheduledTrigger s, WorkflowDef def, Engine engine, string? runStatus)
    {
        var json = new JsonObject
        {
            ["metadata"] = RestJson.Meta(s.Id, s.CreatedAt),
            ["tenantId"] = engine.TenantId,
            ["workflowVersionId"] = def.VersionId,
            ["workflowId"] = def.WorkflowId,
            ["workflowName"] = def.Name,
            ["triggerAt"] = s.At,
            ["input"] = RestJson.AsObject(s.Request.InputJson),
            ["additionalMetadata"] = RestJson.AsObject(s.Request.AdditionalMetadataJson),
            ["method"] = "API",
            ["priority"] = s.Request.Priority ?? def.DefaultPriority,
        };
        if (s.RunId is { } runId)
        {
            json["workflowRunId"] = runId;
            if (runStatus is not null)
            {
                json["workflowRunStatus"] = runStatus;
            }
        }

        return json;
    }
}

using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's workflow list, details, delete and current version (api/v1/server/handlers/workflows/{list,get,delete,get_version}.go).
/// The SDKs read a workflow's id from its name through the list before listing its crons, schedules or runs. Only the
/// current version is kept, so a <c>version</c> other than it is not found.
/// </summary>
internal static class RestWorkflows
{
    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapGet("/api/v1/tenants/{tenantId}/workflows", (string tenantId, HttpContext http) =>
        {
            var q = http.Request.Query;
            if (RestJson.Paging(q, out var limit, out var offset) is { } badPage)
            {
                return badPage;
            }

            var all = engine.Workflows.List(q["name"].ToString());
            var rows = new JsonArray([.. all.Skip(offset).Take(limit).Select(d => (JsonNode)ToJson(d, engine.TenantId))]);
            return Results.Json(new JsonObject { ["rows"] = rows, ["pagination"] = RestJson.Pagination(all.Count, limit, offset) });
        });

        app.MapGet("/api/v1/workflows/{workflowId}", (string workflowId, HttpContext http) =>
        {
            return engine.Workflows.FindById(workflowId) is { } def
                ? Results.Json(ToJson(def, engine.TenantId))
                : RestJson.Error(404, "workflow not found");
        });

        app.MapDelete("/api/v1/workflows/{workflowId}", (string workflowId) =>
            engine.Workflows.Delete(workflowId) ? Results.NoContent() : RestJson.Error(404, "workflow not found"));

        app.MapGet("/api/v1/workflows/{workflowId}/versions", (string workflowId, HttpContext http) =>
        {
            if (engine.Workflows.FindById(workflowId) is not { } def)
            {
                return RestJson.Error(404, "workflow not found");
            }

            var version = http.Request.Query["version"].ToString();
            return version.Length == 0 || version == def.VersionId
                ? Results.Json(VersionJson(def, engine.TenantId))
                : RestJson.Error(404, "version not found");
        });
    }

    /// <summary>A <c>WorkflowVersion</c>: the version, its triggers and its one job's steps.</summary>
    private static JsonObject VersionJson(WorkflowDef d, string tenantId)
    {
        var jobId = d.VersionId + "-job";
        var steps = d.Tasks.Select(t => (JsonNode)new JsonObject
        {
            ["metadata"] = RestJson.Meta(t.Id, d.CreatedAt),
            ["readableId"] = t.ReadableId,
            ["tenantId"] = tenantId,
            ["jobId"] = jobId,
            ["action"] = t.Action,
            ["timeout"] = ((long)t.Timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s",
            ["parents"] = new JsonArray([.. t.ParentNames.Select(p => (JsonNode)JsonValue.Create(p))]),
            ["children"] = new JsonArray([.. t.Children.Select(c => (JsonNode)JsonValue.Create(c.ReadableId))]),
        });
        return new JsonObject
        {
            ["metadata"] = RestJson.Meta(d.VersionId, d.CreatedAt),
            ["version"] = d.Version,
            ["order"] = 0,
            ["workflowId"] = d.WorkflowId,
            ["defaultPriority"] = d.DefaultPriority,
            ["workflow"] = ToJson(d, tenantId),
            ["triggers"] = new JsonObject
            {
                ["events"] = new JsonArray([.. d.EventTriggers.Select(e => (JsonNode)new JsonObject { ["event_key"] = e })]),
                ["crons"] = new JsonArray([.. d.CronTriggers.Select(c => (JsonNode)new JsonObject { ["cron"] = c })]),
            },
            ["jobs"] = new JsonArray(new JsonObject
            {
                ["metadata"] = RestJson.Meta(jobId, d.CreatedAt),
                ["tenantId"] = tenantId,
                ["versionId"] = d.VersionId,
                ["name"] = d.Name,
                ["steps"] = new JsonArray([.. steps]),
            }),
        };
    }

    /// <summary>A workflow's <c>Workflow</c> JSON, with its current version.</summary>
    private static JsonObject ToJson(WorkflowDef d, string tenantId) => new()
    {
        ["metadata"] = RestJson.Meta(d.WorkflowId, d.CreatedAt),
        ["name"] = d.Name,
        ["description"] = string.Empty,
        ["isPaused"] = false,
        ["tenantId"] = tenantId,
        ["versions"] = new JsonArray(new JsonObject
        {
            ["metadata"] = RestJson.Meta(d.VersionId, d.CreatedAt),
            ["version"] = d.Version,
            ["order"] = 0,
            ["workflowId"] = d.WorkflowId,
        }),
    };
}

using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's workflow list and details (api/v1/server/handlers/workflows/{list,get}.go). The SDKs read a workflow's id
/// from its name through the list before listing its crons, schedules or runs.
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

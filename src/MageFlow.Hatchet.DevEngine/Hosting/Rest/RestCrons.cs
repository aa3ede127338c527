using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's REST endpoints for cron triggers, which the official SDKs use to create, list and delete crons
/// (api/v1/server/handlers/workflows/{create,list,delete}_cron.go; the <c>CronWorkflows</c> schema for the JSON).
/// </summary>
internal static class RestCrons
{
    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapPost("/api/v1/tenants/{tenantId}/workflows/{workflow}/crons", async (string tenantId, string workflow, HttpContext http) =>
        {
            JsonObject body;
            try
            {
                body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false) as JsonObject
                    ?? throw new JsonException("the body is not an object");
            }
            catch (JsonException e)
            {
                return RestJson.Error(400, "invalid request body: " + e.Message);
            }

            if (body["input"] is not (JsonObject or null) || body["additionalMetadata"] is not (JsonObject or null) ||
                body["cronName"] is not (JsonValue or null) || body["cronExpression"] is not (JsonValue or null))
            {
                return RestJson.Error(400, "invalid request body: input and additionalMetadata must be objects, cronName and cronExpression strings");
            }

            int? priority = body["priority"] is JsonValue p && p.TryGetValue<int>(out var pr) ? pr : null;
            if (priority is < 1 or > 3)
            {
                return RestJson.Error(400, "priority must be between 1 and 3");
            }

            try
            {
                var (cron, def) = engine.Crons.Create(
                    workflow,
                    body["cronName"]?.GetValue<string>() ?? string.Empty,
                    body["cronExpression"]?.GetValue<string>() ?? string.Empty,
                    body["input"]?.ToJsonString(),
                    body["additionalMetadata"]?.ToJsonString(),
                    priority);
                return Results.Json(ToJson(cron, def, engine.TenantId));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                return RestJson.Error(400, e.Status.Detail);
            }
        });

        app.MapGet("/api/v1/tenants/{tenantId}/workflows/crons", (string tenantId, HttpContext http) =>
        {
            var q = http.Request.Query;
            var metadata = new List<(string Key, string Value)>();
            foreach (var pair in q["additionalMetadata"])
            {
                var parts = (pair ?? string.Empty).Split(':');
                if (parts.Length != 2)
                {
                    return RestJson.Error(400, "Additional metadata filters must be in the format key:value.");
                }

                metadata.Add((parts[0], parts[1]));
            }

            var limit = int.TryParse(q["limit"], CultureInfo.InvariantCulture, out var l) ? l : 50;
            var offset = int.TryParse(q["offset"], CultureInfo.InvariantCulture, out var o) ? o : 0;
            if (limit <= 0 || offset < 0)
            {
                return RestJson.Error(400, "limit must be positive and offset not negative");
            }

            string? workflowId = q["workflowId"], workflowName = q["workflowName"], cronName = q["cronName"];
            var rows = engine.Crons.List((c, def) =>
                (workflowId is null || def.WorkflowId == workflowId) &&
                (workflowName is null || c.WorkflowName == workflowName) &&
                (cronName is null || c.Name == cronName) &&
                metadata.All(m => HasMetadata(c, m.Key, m.Value)));
            IEnumerable<(CronTrigger Cron, WorkflowDef Workflow)> ordered = q["orderByField"].ToString() == "name"
                ? rows.OrderBy(r => r.Cron.Name, StringComparer.Ordinal)
                : rows.OrderBy(r => r.Cron.CreatedAt);
            if (q["orderByDirection"].ToString() != "ASC")
            {
                ordered = ordered.Reverse();
            }

            var page = new JsonArray([.. ordered.Skip(offset).Take(limit).Select(r => (JsonNode)ToJson(r.Cron, r.Workflow, engine.TenantId))]);
            return Results.Json(new JsonObject { ["rows"] = page, ["pagination"] = RestJson.Pagination(rows.Count, limit, offset) });
        });

        app.MapGet("/api/v1/tenants/{tenantId}/workflows/crons/{cronId}", (string tenantId, string cronId, HttpContext http) =>
        {
            var found = engine.Crons.List((c, _) => c.Id == cronId);
            return found.Count == 0 ? RestJson.Error(404, "cron not found") : Results.Json(ToJson(found[0].Cron, found[0].Workflow, engine.TenantId));
        });

        app.MapDelete("/api/v1/tenants/{tenantId}/workflows/crons/{cronId}", (string tenantId, string cronId, HttpContext http) =>
        {
            if (!Guid.TryParse(cronId, out _))
            {
                return RestJson.Error(400, $"invalid cron id '{cronId}'");
            }

            return engine.Crons.Delete(cronId) ? Results.NoContent() : RestJson.Error(404, "cron not found");
        });
    }

    /// <summary>The <c>CronWorkflows</c> JSON of a trigger.</summary>
    private static JsonObject ToJson(CronTrigger cron, WorkflowDef def, string tenantId) => new()
    {
        ["metadata"] = new JsonObject { ["id"] = cron.Id, ["createdAt"] = cron.CreatedAt, ["updatedAt"] = cron.CreatedAt },
        ["tenantId"] = tenantId,
        ["workflowVersionId"] = def.VersionId,
        ["workflowId"] = def.WorkflowId,
        ["workflowName"] = cron.WorkflowName,
        ["cron"] = cron.Expression,
        ["name"] = cron.Name,
        ["input"] = cron.InputJson is null ? new JsonObject() : JsonNode.Parse(cron.InputJson),
        ["additionalMetadata"] = cron.MetadataJson is null ? null : JsonNode.Parse(cron.MetadataJson),
        ["enabled"] = cron.Enabled,
        ["method"] = cron.Method == CronMethod.Api ? "API" : "DEFAULT",
        ["priority"] = cron.Priority,
    };

    private static bool HasMetadata(CronTrigger cron, string key, string value) =>
        cron.MetadataJson is not null && JsonNode.Parse(cron.MetadataJson) is JsonObject o && o[key] is JsonValue v &&
        v.TryGetValue<string>(out var s) && s == value;
}

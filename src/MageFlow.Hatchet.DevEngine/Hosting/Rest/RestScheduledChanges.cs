using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's changes to scheduled runs (api/v1/server/handlers/workflows/{update,bulk_update,bulk_delete}_scheduled.go):
/// reschedule one, reschedule several, delete several by ids or by filter. A schedule that already fired cannot be moved;
/// bulk answers list what was done and a per-id error for the rest. Every schedule the dev engine holds was created
/// through the API, so none is refused as declared in code.
/// </summary>
internal static class RestScheduledChanges
{
    private const string Base = "/api/v1/tenants/{tenantId}/workflows/scheduled";

    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapPatch(Base + "/{id}", async (string tenantId, string id, HttpContext http) =>
        {
            var (body, problem) = await ReadAsync(http).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (!RestJson.TryTime((body!["triggerAt"] as JsonValue)?.ToString(), out var at))
            {
                return RestJson.Error(400, "invalid request body: triggerAt is required and must be a date-time");
            }

            var reason = engine.Workflows.Reschedule([(id, at)])[0];
            if (reason is not null)
            {
                return RestJson.Error(reason.StartsWith("Scheduled workflow not found", StringComparison.Ordinal) ? 404 : 400, reason);
            }

            var found = engine.Workflows.ListScheduled((s, _) => s.Id == id);
            return found.Count == 0
                ? RestJson.Error(404, "Scheduled workflow not found.")
                : Results.Json(RestScheduled.ToJson(found[0].Scheduled, found[0].Workflow, engine, null));
        });

        app.MapPost(Base + "/bulk-update", async (string tenantId, HttpContext http) =>
        {
            var (body, problem) = await ReadAsync(http).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var updates = new List<(string Id, DateTimeOffset At)>();
            foreach (var node in body!["updates"] as JsonArray ?? [])
            {
                if (node is not JsonObject u || (u["id"] as JsonValue)?.ToString() is not { } uid || !Guid.TryParse(uid, out _) ||
                    !RestJson.TryTime((u["triggerAt"] as JsonValue)?.ToString(), out var at))
                {
                    return RestJson.Error(400, "invalid request body: each update needs a uuid id and a date-time triggerAt");
                }

                updates.Add((uid, at));
            }

            var reasons = engine.Workflows.Reschedule(updates);
            var updated = new JsonArray();
            var errors = new JsonArray();
            for (var i = 0; i < updates.Count; i++)
            {
                if (reasons[i] is { } reason)
                {
                    errors.Add(new JsonObject { ["id"] = updates[i].Id, ["error"] = reason });
                }
                else
                {
                    updated.Add(updates[i].Id);
                }
            }

            return Results.Json(new JsonObject { ["updatedIds"] = updated, ["errors"] = errors });
        });

        app.MapPost(Base + "/bulk-delete", async (string tenantId, HttpContext http) =>
        {
            var (body, problem) = await ReadAsync(http).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var ids = (body!["scheduledWorkflowRunIds"] as JsonArray ?? []).Select(n => (n as JsonValue)?.ToString() ?? string.Empty).ToList();
            var filter = body["filter"] as JsonObject;
            if (ids.Count > 0 && filter is not null)
            {
                return RestJson.Error(400, "Provide either scheduledWorkflowRunIds or filter, not both.");
            }

            if (ids.Count == 0 && filter is not null)
            {
                if (Matching(engine, filter, out var matched) is { } badFilter)
                {
                    return badFilter;
                }

                ids = matched;
            }
            else if (ids.Count == 0)
            {
                return RestJson.Error(400, "Provide scheduledWorkflowRunIds or filter.");
            }

            var deleted = new JsonArray();
            var errors = new JsonArray();
            foreach (var id in ids)
            {
                if (engine.Workflows.DeleteScheduled(id))
                {
                    deleted.Add(id);
                }
                else
                {
                    errors.Add(new JsonObject { ["id"] = id, ["error"] = "Failed to delete scheduled workflow." });
                }
            }

            return Results.Json(new JsonObject { ["deletedIds"] = deleted, ["errors"] = errors });
        });
    }

    /// <summary>The ids of the schedules a bulk-delete filter keeps (<c>ScheduledWorkflowsBulkDeleteFilter</c>).</summary>
    private static IResult? Matching(Engine engine, JsonObject filter, out List<string> ids)
    {
        ids = [];
        foreach (var name in new[] { "parentWorkflowRunId", "parentStepRunId" })
        {
            if (filter[name] is not null)
            {
                return RestJson.Error(400, $"the dev engine does not support the '{name}' filter");
            }
        }

        var values = new Microsoft.Extensions.Primitives.StringValues([.. (filter["additionalMetadata"] as JsonArray ?? []).Select(n => (n as JsonValue)?.ToString())]);
        if (RestJson.MetadataPairs(values, out var metadata) is { } badMetadata)
        {
            return badMetadata;
        }

        var workflowId = (filter["workflowId"] as JsonValue)?.ToString();
        ids = engine.Workflows.ListScheduled((s, def) =>
                (workflowId is null || def.WorkflowId == workflowId) &&
                metadata.All(m => RestJson.AsObject(s.Request.AdditionalMetadataJson)[m.Key] is JsonValue v && v.ToString() == m.Value))
            .Select(r => r.Scheduled.Id)
            .ToList();
        return null;
    }

    private static async Task<(JsonObject? Body, IResult? Problem)> ReadAsync(HttpContext http) =>
        http.Request.ContentLength is 0 ? (null, RestJson.Error(400, "Request body is required.")) : await RestJson.ReadObjectAsync(http).ConfigureAwait(false);
}

using System.Text.Json.Nodes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// The v1 event list and details (api/v1/server/handlers/v1/events; <c>V1Event</c>): events the engine received, newest
/// first, with a summary of the runs each triggered. The dev engine keeps the last 10,000 events.
/// </summary>
internal static class RestEvents
{
    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapGet("/api/v1/stable/tenants/{tenantId}/events", (string tenantId, HttpContext http) =>
        {
            var q = http.Request.Query;
            if (RestJson.Paging(q, out var limit, out var offset) is { } badPage)
            {
                return badPage;
            }

            if (RestJson.MetadataPairs(q["additionalMetadata"], out var metadata) is { } badMetadata)
            {
                return badMetadata;
            }

            var badSince = RestJson.OptionalTime(q, "since", out var since);
            var badUntil = RestJson.OptionalTime(q, "until", out var until);
            if ((badSince ?? badUntil) is { } badTime)
            {
                return badTime;
            }

            var statuses = new HashSet<ExecutionStatus>();
            foreach (var s in q["workflowRunStatuses"])
            {
                if (!RestJson.TryStatus(s, out var status))
                {
                    return RestJson.Error(400, $"invalid status '{s}'");
                }

                statuses.Add(status);
            }

            var keys = q["keys"].Select(k => k ?? string.Empty).ToHashSet(StringComparer.Ordinal);
            var ids = q["eventIds"].Select(k => k ?? string.Empty).ToHashSet(StringComparer.Ordinal);
            var scopes = q["scopes"].Select(k => k ?? string.Empty).ToHashSet(StringComparer.Ordinal);
            var workflowIds = q["workflowIds"].Select(k => k ?? string.Empty).ToHashSet(StringComparer.Ordinal);
            var matching = engine.Workflows.ListEvents()
                .Where(e =>
                    (keys.Count == 0 || keys.Contains(e.Key)) &&
                    (ids.Count == 0 || ids.Contains(e.Id)) &&
                    (scopes.Count == 0 || (e.Scope is not null && scopes.Contains(e.Scope))) &&
                    (since is null || e.SeenAt >= since) && (until is null || e.SeenAt <= until) &&
                    metadata.All(m => RestJson.AsObject(e.MetadataJson)[m.Key] is JsonValue v && v.ToString() == m.Value))
                .Select(e => (Event: e, Runs: Runs(engine, e)))
                .Where(e =>
                    (workflowIds.Count == 0 || e.Runs.Any(r => workflowIds.Contains(r.Workflow.WorkflowId))) &&
                    (statuses.Count == 0 || e.Runs.Any(r => statuses.Contains(r.Status))))
                .ToList();
            var rows = new JsonArray([.. matching.Skip(offset).Take(limit).Select(e => (JsonNode)ToJson(e.Event, e.Runs, engine.TenantId))]);
            return Results.Json(new JsonObject { ["rows"] = rows, ["pagination"] = RestJson.Pagination(matching.Count, limit, offset) });
        });

        app.MapGet("/api/v1/stable/tenants/{tenantId}/events/{eventId}", (string tenantId, string eventId, HttpContext http) =>
        {
            return engine.Workflows.FindEvent(eventId) is { } e
                ? Results.Json(ToJson(e, Runs(engine, e), engine.TenantId))
                : RestJson.Error(404, "event not found");
        });
    }

    /// <summary>
    /// The v0 event replay and cancel, which v0.104.7 keeps only to refuse (api/v1/server/handlers/events/{replay,cancel}.go):
    /// 400 with Hatchet's words, whatever the body. The SDK cancels and replays an event's runs through the task endpoints.
    /// </summary>
    public static void MapDeprecated(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/tenants/{tenantId}/events/replay", (string tenantId) => RestJson.Error(400, "EventUpdateReplay is deprecated"));
        app.MapPost("/api/v1/tenants/{tenantId}/events/cancel", (string tenantId) =>
            RestJson.Error(400, "EventUpdateCancel is deprecated; please use V1TaskCancel instead"));
    }

    /// <summary>The runs an event triggered that the engine still holds.</summary>
    private static List<RunDetails> Runs(Engine engine, EventRecord e)
    {
        var runs = new List<RunDetails>(e.RunIds.Count);
        foreach (var id in e.RunIds)
        {
            try
            {
                runs.Add(engine.Runs.GetDetails(id));
            }
            catch (RpcException)
            {
                // Forgotten past the retention limit: the summary counts what the engine still knows.
            }
        }

        return runs;
    }

    private static JsonObject ToJson(EventRecord e, List<RunDetails> runs, string tenantId)
    {
        var json = new JsonObject
        {
            ["metadata"] = RestJson.Meta(e.Id, e.SeenAt),
            ["key"] = e.Key,
            ["tenantId"] = tenantId,
            ["workflowRunSummary"] = new JsonObject
            {
                ["running"] = runs.Count(r => r.Status == ExecutionStatus.Running),
                ["queued"] = runs.Count(r => r.Status == ExecutionStatus.Queued),
                ["succeeded"] = runs.Count(r => r.Status == ExecutionStatus.Completed),
                ["failed"] = runs.Count(r => r.Status == ExecutionStatus.Failed),
                ["cancelled"] = runs.Count(r => r.Status == ExecutionStatus.Cancelled),
            },
            ["additionalMetadata"] = RestJson.AsObject(e.MetadataJson),
            ["payload"] = RestJson.AsObject(e.PayloadJson),
            ["seenAt"] = e.SeenAt,
            ["triggeredRuns"] = new JsonArray([.. e.RunIds.Select(id => (JsonNode)new JsonObject { ["workflowRunId"] = id })]),
        };
        if (e.Scope is not null)
        {
            json["scope"] = e.Scope;
        }

        return json;
    }
}

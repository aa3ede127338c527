using System.Globalization;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// A task run's log lines (api/v1/server/handlers/v1/tasks/list_logs.go): 50 by default, newest first, filtered by time,
/// level and text. The dev engine does not record which attempt wrote a line, so the <c>attempt</c> filter is refused.
/// </summary>
internal static class RestLogs
{
    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapGet("/api/v1/stable/tasks/{taskId}/logs", (string taskId, HttpContext http) =>
        {
            var q = http.Request.Query;
            if (q.ContainsKey("attempt"))
            {
                return RestJson.Error(400, "the dev engine does not record log attempts; the 'attempt' filter is not supported");
            }

            if (RestJson.Paging(q, out var limit, out _) is { } badPage)
            {
                return badPage;
            }

            var badSince = RestJson.OptionalTime(q, "since", out var since);
            var badUntil = RestJson.OptionalTime(q, "until", out var until);
            if ((badSince ?? badUntil) is { } badTime)
            {
                return badTime;
            }

            if (!engine.Runs.Exists(taskId))
            {
                return RestJson.Error(404, "task not found");
            }

            var levels = q["levels"].Select(l => (l ?? string.Empty).ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
            var search = q["search"].ToString();
            var lines = engine.Tasks.GetLogs(taskId).Where(l =>
                (since is null || l.At >= since) && (until is null || l.At <= until) &&
                (levels.Count == 0 || levels.Contains(l.Level.ToUpperInvariant())) &&
                (search.Length == 0 || l.Message.Contains(search, StringComparison.OrdinalIgnoreCase)));
            lines = q["order_by_direction"].ToString() == "ASC" ? lines.OrderBy(l => l.At) : lines.OrderByDescending(l => l.At);
            var rows = new JsonArray([.. lines.Take(limit).Select(l => (JsonNode)new JsonObject
            {
                ["createdAt"] = l.At,
                ["message"] = l.Message,
                ["metadata"] = new JsonObject(),
                ["level"] = l.Level.ToUpperInvariant(),
                ["taskExternalId"] = taskId,
            })]);

            // Hatchet answers a log page with zeroed pagination.
            return Results.Json(new JsonObject
            {
                ["rows"] = rows,
                ["pagination"] = new JsonObject { ["num_pages"] = 0, ["current_page"] = 0, ["next_page"] = 0 },
            });
        });
    }
}

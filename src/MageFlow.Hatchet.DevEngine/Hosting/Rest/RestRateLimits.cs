using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// The rate limit list (api/v1/server/handlers/rate-limits/list.go); limits are put through <c>PutRateLimit</c>. The dev
/// engine stores limits without enforcing them, so each is reported as unused: <c>value</c> is the full limit.
/// </summary>
internal static class RestRateLimits
{
    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapGet("/api/v1/tenants/{tenantId}/rate-limits", (string tenantId, HttpContext http) =>
        {
            var q = http.Request.Query;
            if (RestJson.Paging(q, out var limit, out var offset) is { } badPage)
            {
                return badPage;
            }

            var search = q["search"].ToString();
            var all = engine.Workflows.ListRateLimits().Where(r => r.Key.Contains(search, StringComparison.Ordinal)).ToList();
            IEnumerable<(string Key, int Limit, Protocol.RateLimitDuration Duration)> ordered = q["orderByField"].ToString() switch
            {
                "limitValue" => all.OrderBy(r => r.Limit),
                "value" => all.OrderBy(r => r.Limit),
                _ => all,
            };
            if (q["orderByDirection"].ToString() == "desc")
            {
                ordered = ordered.Reverse();
            }

            var now = engine.Now;
            var rows = new JsonArray([.. ordered.Skip(offset).Take(limit).Select(r => (JsonNode)new JsonObject
            {
                ["key"] = r.Key,
                ["tenantId"] = engine.TenantId,
                ["limitValue"] = r.Limit,
                ["value"] = r.Limit,
                ["window"] = "1 " + r.Duration.ToString().ToUpperInvariant(),
                ["lastRefill"] = now,
            })]);
            return Results.Json(new JsonObject { ["rows"] = rows, ["pagination"] = RestJson.Pagination(all.Count, limit, offset) });
        });
    }
}

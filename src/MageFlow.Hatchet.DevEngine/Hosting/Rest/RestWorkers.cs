using System.Globalization;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's worker endpoints (api/v1/server/handlers/workers; <c>Worker</c> as transformers/worker.go fills it): list,
/// details, and pause or resume (which workers call on themselves before they stop).
/// </summary>
internal static class RestWorkers
{
    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapGet("/api/v1/tenants/{tenantId}/worker", (string tenantId, HttpContext http) =>
        {
            var workers = engine.Workers.List();
            return Results.Json(new JsonObject
            {
                ["rows"] = new JsonArray([.. workers.Select(w => (JsonNode)ToJson(w, engine.Now))]),
                ["pagination"] = RestJson.Pagination(workers.Count, Math.Max(workers.Count, 1), 0),
            });
        });

        app.MapGet("/api/v1/workers/{workerId}", (string workerId, HttpContext http) =>
        {
            return engine.Workers.Find(workerId) is { } w ? Results.Json(ToJson(w, engine.Now)) : RestJson.Error(404, $"worker '{workerId}' not found");
        });

        app.MapMethods("/api/v1/workers/{workerId}", ["PATCH"], async (string workerId, HttpContext http) =>
        {
            var (body, problem) = await RestJson.ReadObjectAsync(http).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (body!["isPaused"] is not JsonValue p || !p.TryGetValue<bool>(out var paused))
            {
                // isPaused is the only field of UpdateWorkerRequest; without it there is nothing to change.
                return engine.Workers.Find(workerId) is { } unchanged ? Results.Json(ToJson(unchanged, engine.Now)) : RestJson.Error(404, $"worker '{workerId}' not found");
            }

            return engine.Workers.SetPaused(workerId, paused) && engine.Workers.Find(workerId) is { } w
                ? Results.Json(ToJson(w, engine.Now))
                : RestJson.Error(404, $"worker '{workerId}' not found");
        });
    }

    private static JsonObject ToJson(WorkerSnapshot w, DateTimeOffset now)
    {
        // Hatchet calls a worker inactive once its last heartbeat is more than 5 seconds old, whatever else it is.
        var status = !w.Active || w.LastHeartbeat.AddSeconds(5) < now ? "INACTIVE" : w.Paused ? "PAUSED" : "ACTIVE";
        var slots = new JsonObject();
        foreach (var (type, (capacity, used)) in w.Slots)
        {
            slots[type] = new JsonObject { ["available"] = capacity - used, ["limit"] = capacity };
        }

        return new JsonObject
        {
            ["metadata"] = RestJson.Meta(w.Id, w.LastHeartbeat),
            ["name"] = w.Name,
            ["type"] = "SELFHOSTED",
            ["status"] = status,
            ["lastHeartbeatAt"] = w.LastHeartbeat,
            ["actions"] = new JsonArray([.. w.Actions.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["slotConfig"] = slots,
            ["labels"] = new JsonArray([.. w.Labels.Select(l => (JsonNode)new JsonObject
            {
                ["metadata"] = RestJson.Meta(Guid.Empty.ToString(), w.LastHeartbeat),
                ["key"] = l.Key,
                ["value"] = l.Value.Number is { } n ? n.ToString(CultureInfo.InvariantCulture) : l.Value.Text,
            })]),
        };
    }
}

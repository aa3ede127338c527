using System.Text.Json.Nodes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's cron enable/disable and the trigger-now of crons and schedules
/// (api/v1/server/handlers/workflows/{update_cron,trigger_cron,trigger_scheduled}.go). Trigger-now answers
/// <c>TriggerRunResult</c> (<c>{"externalId":...}</c>); a schedule started this way counts as fired and does not run again.
/// </summary>
internal static class RestTriggerChanges
{
    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapPatch("/api/v1/tenants/{tenantId}/workflows/crons/{cronId}", async (string tenantId, string cronId, HttpContext http) =>
        {
            var (body, problem) = await RestJson.ReadObjectAsync(http).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            bool? enabled = null;
            if (body!["enabled"] is { } node)
            {
                if (node is not JsonValue v || !v.TryGetValue<bool>(out var b))
                {
                    return RestJson.Error(400, "invalid request body: enabled must be a boolean");
                }

                enabled = b;
            }

            // Without "enabled" Hatchet changes nothing and still answers 204 for a cron that exists.
            var exists = enabled is { } e ? engine.Crons.SetEnabled(cronId, e) : engine.Crons.List((c, _) => c.Id == cronId).Count > 0;
            return exists ? Results.NoContent() : RestJson.Error(404, "cron not found");
        });

        app.MapPost("/api/v1/tenants/{tenantId}/workflows/crons/{cronId}", (string tenantId, string cronId) =>
        {
            if (engine.Crons.RunNow(cronId) is not { } request)
            {
                return RestJson.Error(404, "cron not found");
            }

            try
            {
                return Results.Json(new JsonObject { ["externalId"] = engine.Workflows.Trigger(request) });
            }
            catch (RpcException)
            {
                return RestJson.Error(500, "Failed to trigger cron workflow.");
            }
        });

        app.MapPost("/api/v1/tenants/{tenantId}/workflows/scheduled/{id}", (string tenantId, string id) =>
        {
            try
            {
                var (runId, refusal) = engine.Workflows.TriggerScheduledNow(id);
                return runId is not null
                    ? Results.Json(new JsonObject { ["externalId"] = runId })
                    : RestJson.Error(refusal!.StartsWith("Scheduled workflow not found", StringComparison.Ordinal) ? 404 : 400, refusal);
            }
            catch (RpcException)
            {
                return RestJson.Error(500, "Failed to trigger scheduled workflow.");
            }
        });
    }
}

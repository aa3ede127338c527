using System.Text.Json;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting;

/// <summary>
/// The few REST endpoints of Hatchet's API that SDKs call during ordinary work: pausing a worker on
/// shutdown, cancelling or replaying tasks by id, managing cron triggers (<see cref="RestCrons"/>), and reading a run's details (the SDKs' source of results
/// too large for the run event).
/// </summary>
internal static class RestApi
{
    public static void Map(IEndpointRouteBuilder app, Engine engine, TokenService tokens)
    {
        app.MapMethods("/api/v1/workers/{workerId}", ["PATCH"], async (string workerId, HttpContext http) =>
        {
            if (Deny(http, tokens) is { } denied)
            {
                return denied;
            }

            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
            var paused = body.RootElement.TryGetProperty("isPaused", out var p) && p.ValueKind == JsonValueKind.True;
            return engine.Workers.SetPaused(workerId, paused)
                ? Results.Json(new { metadata = new { id = workerId }, status = paused ? "PAUSED" : "ACTIVE" })
                : Results.Json(new { errors = new[] { new { description = $"worker '{workerId}' not found" } } }, statusCode: 404);
        });

        app.MapGet("/api/v1/stable/workflow-runs/{runId}", (string runId, HttpContext http) =>
        {
            if (Deny(http, tokens) is { } denied)
            {
                return denied;
            }

            try
            {
                return Results.Json(RestRunDetails.ToJson(engine.Runs.GetDetails(runId), engine.TenantId));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound)
            {
                return Results.Json(
                    new { errors = new[] { new { description = e.Status.Detail } } },
                    statusCode: e.StatusCode == StatusCode.NotFound ? 404 : 400);
            }
        });

        RestCrons.Map(app, engine, (http, tenantId) => Deny(http, tokens) ?? (tenantId == engine.TenantId
            ? null
            : Results.Json(new { errors = new[] { new { description = $"tenant '{tenantId}' not found" } } }, statusCode: 404)));
        app.MapPost("/api/v1/stable/tenants/{tenantId}/tasks/cancel", (string tenantId, HttpContext http) => ByIds(http, tenantId, engine, tokens, engine.Runs.Cancel));
        app.MapPost("/api/v1/stable/tenants/{tenantId}/tasks/replay", (string tenantId, HttpContext http) => ByIds(http, tenantId, engine, tokens, engine.Runs.Replay));
    }

    private static async Task<IResult> ByIds(HttpContext http, string tenantId, Engine engine, TokenService tokens, Func<IEnumerable<string>, IReadOnlyList<string>> action)
    {
        if (Deny(http, tokens) is { } denied)
        {
            return denied;
        }

        if (tenantId != engine.TenantId)
        {
            return Results.Json(new { errors = new[] { new { description = $"tenant '{tenantId}' not found" } } }, statusCode: 404);
        }

        using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
        if (!body.RootElement.TryGetProperty("externalIds", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            return Results.Json(new { errors = new[] { new { description = "the dev engine needs 'externalIds'; filters are not supported" } } }, statusCode: 400);
        }

        try
        {
            var done = action(ids.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray());
            return Results.Json(new { ids = done });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            // Hatchet's REST API types the ids as UUIDs, so a malformed one is a bad request.
            return Results.Json(new { errors = new[] { new { description = e.Status.Detail } } }, statusCode: 400);
        }
    }

    private static IResult? Deny(HttpContext http, TokenService tokens)
    {
        var problem = tokens.Validate(TokenService.FromAuthorizationHeader(http.Request.Headers.Authorization.ToString()));
        return problem is null ? null : Results.Json(new { errors = new[] { new { description = "invalid auth token: " + problem } } }, statusCode: 401);
    }
}

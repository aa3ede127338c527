using MageFlow.Hatchet.DevEngine.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// The parts of Hatchet's REST API (<c>/api/v1/...</c>) the SDKs' feature clients call, one class per resource: runs,
/// scheduled runs, crons, workflows, workers, events, event filters, task logs and rate limits. Every path takes the same bearer token
/// as gRPC; a path the dev engine does not serve answers 404 in Hatchet's JSON error shape.
/// </summary>
internal static class RestApi
{
    /// <summary>Maps the REST endpoints.</summary>
    /// <param name="app">The endpoint builder.</param>
    /// <param name="engine">The engine.</param>
    /// <param name="tokens">Validates bearer tokens.</param>
    public static void Map(IEndpointRouteBuilder app, Engine engine, TokenService tokens)
    {
        // Every endpoint is checked before its handler runs: 401 for a bad token, then 404 for a {tenantId} other than
        // the engine's (Hatchet's tenant middleware answers the same for a tenant the token cannot see).
        var api = app.MapGroup(string.Empty);
        api.AddEndpointFilter((context, next) =>
        {
            var http = context.HttpContext;
            var problem = tokens.Validate(TokenService.FromAuthorizationHeader(http.Request.Headers.Authorization.ToString()));
            if (problem is not null)
            {
                return ValueTask.FromResult<object?>(RestJson.Error(401, "invalid auth token: " + problem));
            }

            return http.GetRouteValue("tenantId") is string tenantId && tenantId != engine.TenantId
                ? ValueTask.FromResult<object?>(RestJson.Error(404, $"tenant '{tenantId}' not found"))
                : next(context);
        });

        RestRuns.Map(api, engine);
        RestScheduled.Map(api, engine);
        RestScheduledChanges.Map(api, engine);
        RestCrons.Map(api, engine);
        RestTriggerChanges.Map(api, engine);
        RestWorkflows.Map(api, engine);
        RestWorkers.Map(api, engine);
        RestEvents.Map(api, engine);
        RestEvents.MapDeprecated(api);
        RestLogs.Map(api, engine);
        RestRateLimits.Map(api, engine);
        RestMetrics.Map(api, engine);
        RestFilters.Map(api, engine);

        // Without this an unserved /api path would get ASP.NET's empty 404 (or 405), which SDKs cannot read as an API error.
        app.MapFallback("/api/{**rest}", (HttpContext http) =>
            RestJson.Error(404, $"the dev engine does not serve {http.Request.Method} {http.Request.Path}; see docs/dev-engine.md for the REST paths it serves"));
    }
}

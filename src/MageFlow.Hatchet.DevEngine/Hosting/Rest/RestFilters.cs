using System.Text.Json.Nodes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Filters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's event filters (api/v1/server/handlers/v1/filters; <c>V1Filter</c> for the JSON): create, list, get, update
/// (only the fields sent) and delete, which answers the deleted filter. Filters created here apply to the next event
/// pushed, alongside those workflows declare (listed with <c>isDeclarative</c>). An expression the engine cannot
/// evaluate is refused with 400 at create and update, where Hatchet would accept it and evaluate it at each push.
/// </summary>
internal static class RestFilters
{
    private const string Base = "/api/v1/stable/tenants/{tenantId}/filters";

    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapPost(Base, async (string tenantId, HttpContext http) =>
        {
            var (body, problem) = await RestJson.ReadObjectAsync(http).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (Text(body!, "workflowId") is not { } workflowId || !Guid.TryParse(workflowId, out _))
            {
                return RestJson.Error(400, "workflow id is not a valid uuid");
            }

            if (Text(body!, "scope") is not { Length: > 0 } scope || Text(body!, "expression") is not { Length: > 0 } expression)
            {
                return RestJson.Error(400, "invalid request body: scope and expression are required");
            }

            if (Payload(body!, out var payload) is { } badPayload)
            {
                return badPayload;
            }

            return Answer(() => engine.Filters.Create(workflowId, scope, expression, payload ?? "{}"), engine.TenantId);
        });

        app.MapGet(Base, (string tenantId, HttpContext http) =>
        {
            var q = http.Request.Query;
            if (RestJson.Paging(q, out var limit, out var offset, defaultLimit: 20_000) is { } badPage)
            {
                return badPage;
            }

            var workflowIds = q["workflowIds"].Select(v => v ?? string.Empty).ToHashSet(StringComparer.Ordinal);
            if (workflowIds.FirstOrDefault(id => !Guid.TryParse(id, out _)) is { } badId)
            {
                return RestJson.Error(400, $"workflowIds: '{badId}' is not a valid uuid");
            }

            var scopes = q["scopes"].Select(v => v ?? string.Empty).ToHashSet(StringComparer.Ordinal);
            var all = engine.Filters.List(workflowIds, scopes);
            var rows = new JsonArray([.. all.Skip(offset).Take(limit).Select(f => (JsonNode)ToJson(f, engine.TenantId))]);

            // ToV1FilterList's arithmetic, which differs from the other lists': pages count from 0 and next is always one more.
            var current = offset / limit;
            return Results.Json(new JsonObject
            {
                ["rows"] = rows,
                ["pagination"] = new JsonObject { ["current_page"] = current, ["next_page"] = current + 1, ["num_pages"] = (int)Math.Ceiling(all.Count / (double)limit) },
            });
        });

        app.MapGet(Base + "/{filterId}", (string tenantId, string filterId) =>
            engine.Filters.Get(filterId) is { } f ? Results.Json(ToJson(f, engine.TenantId)) : NotFound());

        app.MapPatch(Base + "/{filterId}", async (string tenantId, string filterId, HttpContext http) =>
        {
            var (body, problem) = await RestJson.ReadObjectAsync(http).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (body!["scope"] is not (null or JsonValue) || body["expression"] is not (null or JsonValue))
            {
                return RestJson.Error(400, "invalid request body: scope and expression must be strings");
            }

            if (Payload(body, out var payload) is { } badPayload)
            {
                return badPayload;
            }

            return Answer(() => engine.Filters.Update(filterId, Text(body, "scope"), Text(body, "expression"), payload), engine.TenantId);
        });

        app.MapDelete(Base + "/{filterId}", (string tenantId, string filterId) =>
            engine.Filters.Delete(filterId) is { } f ? Results.Json(ToJson(f, engine.TenantId)) : NotFound());
    }

    private static IResult NotFound() => RestJson.Error(404, "filter not found");

    private static IResult Answer(Func<StoredFilter?> operation, string tenantId)
    {
        try
        {
            return operation() is { } f ? Results.Json(ToJson(f, tenantId)) : NotFound();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            return RestJson.Error(400, e.Status.Detail);
        }
    }

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Reads the optional payload, which must be an object as Hatchet's <c>map[string]interface{}</c> is.</summary>
    private static IResult? Payload(JsonObject body, out string? json)
    {
        json = null;
        switch (body["payload"])
        {
            case null:
                return null;
            case JsonObject o:
                json = o.ToJsonString();
                return null;
            default:
                return RestJson.Error(400, "invalid request body: payload must be an object");
        }
    }

    private static JsonObject ToJson(StoredFilter f, string tenantId) => new()
    {
        ["metadata"] = RestJson.Meta(f.Id, f.CreatedAt, f.UpdatedAt),
        ["tenantId"] = tenantId,
        ["workflowId"] = f.WorkflowId,
        ["scope"] = f.Scope,
        ["expression"] = f.Expression.Text,
        ["payload"] = RestJson.AsObject(f.PayloadJson),
        ["isDeclarative"] = f.IsDeclarative,
    };
}

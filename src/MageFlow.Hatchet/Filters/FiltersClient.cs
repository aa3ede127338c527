using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Filters;

/// <summary>
/// The tenant's event filters over the engine's REST API (<c>/api/v1/stable/tenants/{tenant}/filters</c>): create, list,
/// get, update and delete. A workflow with filters runs for an event only when the event's scope has a filter whose
/// expression holds, once per such filter, and its tasks see the filter's payload.
/// </summary>
public sealed class FiltersClient
{
    private readonly HatchetRestClient _rest;
    private readonly string _tenantId;
    private readonly JsonSerializerOptions _json;

    internal FiltersClient(HatchetRestClient rest, string tenantId, JsonSerializerOptions json)
    {
        _rest = rest;
        _tenantId = tenantId;
        _json = json;
    }

    /// <summary>Creates a filter.</summary>
    /// <param name="request">The filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created filter.</returns>
    /// <exception cref="HatchetApiException">The engine refused it (a workflow id that is not a uuid, the same filter twice).</exception>
    public async Task<EventFilterInfo> CreateAsync(CreateFilterRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["workflowId"] = request.WorkflowId,
            ["expression"] = request.Expression,
            ["scope"] = request.Scope,
            ["payload"] = Serialize(request.Payload) ?? new JsonObject(),
        };
        using var answer = await _rest.SendAsync(HttpMethod.Post, BasePath, body.ToJsonString(), cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Lists filters.</summary>
    /// <param name="query">Filters; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The filters.</returns>
    /// <exception cref="HatchetApiException">The engine refused the query.</exception>
    public async Task<IReadOnlyList<EventFilterInfo>> ListAsync(ListFiltersQuery? query = null, CancellationToken cancellationToken = default)
    {
        var path = new RestQuery()
            .Add("offset", query?.Offset)
            .Add("limit", query?.Limit)
            .AddEach("workflowIds", query?.WorkflowIds)
            .AddEach("scopes", query?.Scopes)
            .Apply(BasePath);
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.Rows().Select(FromJson)];
    }

    /// <summary>Gets a filter.</summary>
    /// <param name="filterId">The filter's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown filter).</exception>
    public async Task<EventFilterInfo> GetAsync(string filterId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(filterId);
        using var answer = await _rest.SendAsync(HttpMethod.Get, ItemPath(filterId), null, cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Changes a filter's scope, expression or payload (what the request leaves <see langword="null"/> stays).</summary>
    /// <param name="filterId">The filter's id.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The filter after the change.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown filter).</exception>
    public async Task<EventFilterInfo> UpdateAsync(string filterId, UpdateFilterRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(filterId);
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject();
        if (request.Scope is not null)
        {
            body["scope"] = request.Scope;
        }

        if (request.Expression is not null)
        {
            body["expression"] = request.Expression;
        }

        if (Serialize(request.Payload) is { } payload)
        {
            body["payload"] = payload;
        }

        // Setting fields to given values is idempotent, so a transient failure is retried.
        using var answer = await _rest.SendAsync(HttpMethod.Patch, ItemPath(filterId), body.ToJsonString(), cancellationToken, idempotent: true).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Deletes a filter.</summary>
    /// <param name="filterId">The filter's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deleted filter.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown filter).</exception>
    public async Task<EventFilterInfo> DeleteAsync(string filterId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(filterId);
        using var answer = await _rest.SendAsync(HttpMethod.Delete, ItemPath(filterId), null, cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    private string BasePath => $"/api/v1/stable/tenants/{_tenantId}/filters";

    private string ItemPath(string filterId) => BasePath + "/" + Uri.EscapeDataString(filterId);

    private JsonNode? Serialize(object? payload) => payload is null ? null : JsonSerializer.SerializeToNode(payload, payload.GetType(), _json);

    private static EventFilterInfo FromJson(JsonElement e) => new(
        e.Id(),
        e.Text("workflowId"),
        e.Text("scope"),
        e.Text("expression"),
        e.Json("payload"),
        e.Bool("isDeclarative"),
        e.CreatedAt(),
        e.TryGetProperty("metadata", out var m) ? m.Time("updatedAt") ?? default : default);
}

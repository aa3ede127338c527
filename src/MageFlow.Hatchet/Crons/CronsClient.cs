using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Crons;

/// <summary>
/// Creates, lists and deletes cron triggers over the engine's REST API, as the official SDKs do. Workflow names are those
/// the workflows were declared with; the client's namespace is applied.
/// </summary>
public sealed partial class CronsClient
{
    private readonly HatchetRestClient _rest;
    private readonly string _tenantId;
    private readonly string _namespace;
    private readonly JsonSerializerOptions _json;

    internal CronsClient(HatchetRestClient rest, string tenantId, string @namespace, JsonSerializerOptions json)
    {
        _rest = rest;
        _tenantId = tenantId;
        _namespace = @namespace;
        _json = json;
    }

    /// <summary>Creates a cron trigger for a workflow.</summary>
    /// <param name="workflowName">The workflow's declared name.</param>
    /// <param name="request">The cron.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The created cron.</returns>
    /// <exception cref="HatchetApiException">The engine refused it (unknown workflow, a name and expression already used, no name).</exception>
    public async Task<CronTrigger> CreateAsync(string workflowName, CreateCronRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowName);
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["cronName"] = request.Name,
            ["cronExpression"] = request.Expression,
            ["input"] = request.Input is null ? new JsonObject() : JsonSerializer.SerializeToNode(request.Input, request.Input.GetType(), _json),
            ["additionalMetadata"] = JsonSerializer.SerializeToNode(request.AdditionalMetadata ?? new Dictionary<string, string>()),
        };
        if (request.Priority is { } priority)
        {
            body["priority"] = priority;
        }

        var path = $"/api/v1/tenants/{_tenantId}/workflows/{Uri.EscapeDataString(EngineName(workflowName))}/crons";
        using var answer = await _rest.SendAsync(HttpMethod.Post, path, body.ToJsonString(), cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Lists cron triggers, newest first.</summary>
    /// <param name="query">Filters; <see langword="null"/> for all (the engine returns at most 50 by default).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The crons.</returns>
    /// <exception cref="HatchetApiException">The engine refused the query.</exception>
    public async Task<IReadOnlyList<CronTrigger>> ListAsync(ListCronsQuery? query = null, CancellationToken cancellationToken = default)
    {
        var parameters = new List<string>();
        if (query?.WorkflowName is { } workflow)
        {
            parameters.Add("workflowName=" + Uri.EscapeDataString(EngineName(workflow)));
        }

        if (query?.CronName is { } cronName)
        {
            parameters.Add("cronName=" + Uri.EscapeDataString(cronName));
        }

        foreach (var (key, value) in query?.AdditionalMetadata ?? new Dictionary<string, string>())
        {
            parameters.Add("additionalMetadata=" + Uri.EscapeDataString(key + ":" + value));
        }

        if (query?.Offset is { } offset)
        {
            parameters.Add("offset=" + offset.ToString(CultureInfo.InvariantCulture));
        }

        if (query?.Limit is { } limit)
        {
            parameters.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        }

        var path = $"/api/v1/tenants/{_tenantId}/workflows/crons" + (parameters.Count == 0 ? string.Empty : "?" + string.Join('&', parameters));
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.TryGetProperty("rows", out var rows) && rows.ValueKind == JsonValueKind.Array
            ? [.. rows.EnumerateArray().Select(FromJson)]
            : [];
    }

    /// <summary>Gets a cron trigger.</summary>
    /// <param name="cronId">The cron's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cron.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown cron).</exception>
    public async Task<CronTrigger> GetAsync(string cronId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cronId);
        using var answer = await _rest.SendAsync(HttpMethod.Get, $"/api/v1/tenants/{_tenantId}/workflows/crons/{Uri.EscapeDataString(cronId)}", null, cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Deletes a cron trigger.</summary>
    /// <param name="cronId">The cron's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the cron is gone.</returns>
    /// <exception cref="HatchetApiException">The engine refused (for example <c>404</c> for an unknown cron).</exception>
    public Task DeleteAsync(string cronId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(cronId);
        return _rest.SendWithoutAnswerAsync(HttpMethod.Delete, $"/api/v1/tenants/{_tenantId}/workflows/crons/{Uri.EscapeDataString(cronId)}", cancellationToken);
    }

    private static CronTrigger FromJson(JsonElement e)
    {
        var metadata = e.GetProperty("metadata");
        return new CronTrigger(
            metadata.GetProperty("id").GetString()!,
            e.GetProperty("workflowName").GetString()!,
            e.TryGetProperty("workflowId", out var wid) ? wid.GetString() ?? string.Empty : string.Empty,
            e.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : string.Empty,
            e.GetProperty("cron").GetString()!,
            e.TryGetProperty("input", out var input) ? input.Clone() : default,
            e.TryGetProperty("additionalMetadata", out var meta) && meta.ValueKind == JsonValueKind.Object ? meta.Clone() : default,
            e.TryGetProperty("priority", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null,
            !e.TryGetProperty("enabled", out var enabled) || enabled.ValueKind != JsonValueKind.False,
            e.TryGetProperty("method", out var method) && method.GetString() == "DEFAULT",
            metadata.TryGetProperty("createdAt", out var at) && at.TryGetDateTimeOffset(out var createdAt) ? createdAt : default);
    }

    /// <summary>The engine's name of a workflow: namespace applied, lower case, as workflows are registered.</summary>
    private string EngineName(string workflowName) => (_namespace + workflowName).ToLowerInvariant();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;
using MageFlow.Hatchet.Workflows;

namespace MageFlow.Hatchet.Schedules;

/// <summary>
/// Creates, lists, gets and deletes scheduled runs over the engine's REST API, as the official SDKs do. Workflow names are
/// those the workflows were declared with; the client's namespace is applied.
/// </summary>
public sealed partial class SchedulesClient
{
    private readonly HatchetRestClient _rest;
    private readonly string _tenantId;
    private readonly string _namespace;
    private readonly JsonSerializerOptions _json;
    private readonly WorkflowsClient _workflows;

    internal SchedulesClient(HatchetRestClient rest, string tenantId, string @namespace, JsonSerializerOptions json, WorkflowsClient workflows)
    {
        _rest = rest;
        _tenantId = tenantId;
        _namespace = @namespace;
        _json = json;
        _workflows = workflows;
    }

    /// <summary>Schedules a run of a workflow. Not retried: a repeated create would schedule twice.</summary>
    /// <param name="workflowName">The workflow's declared name.</param>
    /// <param name="request">The run and its time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="HatchetApiException">The engine refused it (unknown workflow, bad priority).</exception>
    public async Task<ScheduledRun> CreateAsync(string workflowName, CreateScheduleRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowName);
        ArgumentNullException.ThrowIfNull(request);
        var body = new JsonObject
        {
            ["input"] = request.Input is null ? new JsonObject() : JsonSerializer.SerializeToNode(request.Input, request.Input.GetType(), _json),
            ["additionalMetadata"] = JsonSerializer.SerializeToNode(request.AdditionalMetadata ?? new Dictionary<string, string>()),
            ["triggerAt"] = request.TriggerAt.ToUniversalTime(),
        };
        if (request.Priority is { } priority)
        {
            body["priority"] = priority;
        }

        var path = $"/api/v1/tenants/{_tenantId}/workflows/{Uri.EscapeDataString((_namespace + workflowName).ToLowerInvariant())}/scheduled";
        using var answer = await _rest.SendAsync(HttpMethod.Post, path, body.ToJsonString(), cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Lists schedules, latest trigger time first.</summary>
    /// <param name="query">Filters; <see langword="null"/> for all (the engine returns at most 50 by default).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedules.</returns>
    /// <exception cref="HatchetApiException">The engine refused the query.</exception>
    public async Task<IReadOnlyList<ScheduledRun>> ListAsync(ListSchedulesQuery? query = null, CancellationToken cancellationToken = default)
    {
        var q = new RestQuery();
        if (query?.WorkflowName is { } workflow)
        {
            q.Add("workflowId", await _workflows.ResolveIdAsync(workflow, cancellationToken).ConfigureAwait(false));
        }

        var path = q.AddMetadata("additionalMetadata", query?.AdditionalMetadata).Add("offset", query?.Offset).Add("limit", query?.Limit)
            .Apply($"/api/v1/tenants/{_tenantId}/workflows/scheduled");
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.Rows().Select(FromJson)];
    }

    /// <summary>Gets a schedule.</summary>
    /// <param name="scheduleId">The schedule's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown schedule).</exception>
    public async Task<ScheduledRun> GetAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        using var answer = await _rest.SendAsync(HttpMethod.Get, $"/api/v1/tenants/{_tenantId}/workflows/scheduled/{Uri.EscapeDataString(scheduleId)}", null, cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Deletes a schedule; a pending one never runs.</summary>
    /// <param name="scheduleId">The schedule's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the schedule is gone.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown schedule).</exception>
    public Task DeleteAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        return _rest.SendWithoutAnswerAsync(HttpMethod.Delete, $"/api/v1/tenants/{_tenantId}/workflows/scheduled/{Uri.EscapeDataString(scheduleId)}", cancellationToken);
    }

    private static ScheduledRun FromJson(JsonElement e) => new(
        e.Id(),
        e.Text("workflowName"),
        e.Text("workflowId"),
        e.Time("triggerAt") ?? default,
        e.Json("input"),
        e.Json("additionalMetadata"),
        e.Int("priority"),
        e.TextOrNull("workflowRunId"),
        e.TextOrNull("workflowRunStatus"),
        e.CreatedAt());
}

using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Workflows;

/// <summary>
/// The workflows registered on the engine, over its REST API: list, get, get a version, delete. (The workflows declared on this client
/// are <see cref="HatchetClient.Workflows"/>.)
/// </summary>
public sealed class WorkflowsClient
{
    private readonly HatchetRestClient _rest;
    private readonly string _tenantId;
    private readonly string _namespace;

    internal WorkflowsClient(HatchetRestClient rest, string tenantId, string @namespace)
    {
        _rest = rest;
        _tenantId = tenantId;
        _namespace = @namespace;
    }

    /// <summary>Lists registered workflows, newest first.</summary>
    /// <param name="nameContains">Text the engine names must contain, ignoring case; <see langword="null"/> for all.</param>
    /// <param name="limit">The most to return; the engine's default (50) when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workflows.</returns>
    /// <exception cref="HatchetApiException">The engine refused the query.</exception>
    public async Task<IReadOnlyList<WorkflowInfo>> ListAsync(string? nameContains = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var path = new RestQuery().Add("name", nameContains).Add("limit", limit).Apply($"/api/v1/tenants/{_tenantId}/workflows");
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return [.. answer.RootElement.Rows().Select(FromJson)];
    }

    /// <summary>Gets a registered workflow by id.</summary>
    /// <param name="workflowId">The workflow's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workflow.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown id).</exception>
    public async Task<WorkflowInfo> GetAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowId);
        using var answer = await _rest.SendAsync(HttpMethod.Get, $"/api/v1/workflows/{Uri.EscapeDataString(workflowId)}", null, cancellationToken).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Finds a workflow by the name it was declared with (namespace applied).</summary>
    /// <param name="workflowName">The declared name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workflow, or <see langword="null"/> when none has that name.</returns>
    public async Task<WorkflowInfo?> FindByNameAsync(string workflowName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowName);
        var name = EngineName(workflowName);
        var rows = await ListAsync(name, null, cancellationToken).ConfigureAwait(false);
        return rows.FirstOrDefault(w => w.Name == name);
    }

    /// <summary>Deletes a registered workflow (its versions, crons and schedules go with it).</summary>
    /// <param name="workflowId">The workflow's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has deleted it.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown workflow).</exception>
    public Task DeleteAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowId);
        return _rest.SendWithoutAnswerAsync(HttpMethod.Delete, $"/api/v1/workflows/{Uri.EscapeDataString(workflowId)}", cancellationToken);
    }

    /// <summary>Gets a version of a registered workflow, with its triggers and tasks.</summary>
    /// <param name="workflowId">The workflow's id.</param>
    /// <param name="versionId">The version's id; <see langword="null"/> for the current version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown workflow or version).</exception>
    public async Task<WorkflowVersionInfo> GetVersionAsync(string workflowId, string? versionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowId);
        var path = new RestQuery().Add("version", versionId).Apply($"/api/v1/workflows/{Uri.EscapeDataString(workflowId)}/versions");
        using var answer = await _rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        var e = answer.RootElement;
        var triggers = e.TryGetProperty("triggers", out var t) ? t : default;
        return new WorkflowVersionInfo(
            e.Id(),
            e.Text("version"),
            e.Text("workflowId"),
            Items(triggers, "events").Select(x => x.Text("event_key")).ToList(),
            Items(triggers, "crons").Select(x => x.Text("cron")).ToList(),
            Items(e, "jobs").SelectMany(j => Items(j, "steps")).Select(x => x.Text("readableId")).ToList(),
            e.CreatedAt());
    }

    /// <summary>Resolves a declared workflow name to its id, or fails with a clear message.</summary>
    internal async Task<string> ResolveIdAsync(string workflowName, CancellationToken cancellationToken) =>
        (await FindByNameAsync(workflowName, cancellationToken).ConfigureAwait(false))?.Id
        ?? throw new ArgumentException($"no workflow named '{EngineName(workflowName)}' is registered on the engine", nameof(workflowName));

    private static JsonElement.ArrayEnumerator Items(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : default;

    private static WorkflowInfo FromJson(JsonElement e) => new(e.Id(), e.Text("name"), e.Bool("isPaused"), e.CreatedAt());

    private string EngineName(string workflowName) => (_namespace + workflowName).ToLowerInvariant();
}

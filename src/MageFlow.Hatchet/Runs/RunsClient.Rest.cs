using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Runs;

/// <summary>The REST half of the runs client: list, details, status, and cancel or replay in bulk.</summary>
public sealed partial class RunsClient
{
    /// <summary>Lists runs, newest first, fetching pages as the enumeration goes on.</summary>
    /// <param name="query">Filters; <see langword="null"/> for the last hour's runs.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The runs.</returns>
    /// <exception cref="HatchetApiException">The engine refused the query.</exception>
    public async IAsyncEnumerable<RunSummary> ListAsync(ListRunsQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new ListRunsQuery();
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        var workflowIds = new List<string>();
        foreach (var name in query.WorkflowNames ?? [])
        {
            workflowIds.Add(await _restParts.Workflows.ResolveIdAsync(name, cancellationToken).ConfigureAwait(false));
        }

        var since = query.Since ?? _restParts.Time.GetUtcNow().AddHours(-1);
        for (var offset = 0; ; offset += query.PageSize)
        {
            var path = new RestQuery()
                .Add("offset", offset)
                .Add("limit", query.PageSize)
                .Add("since", since)
                .Add("until", query.Until)
                .AddEach("statuses", query.Statuses?.Select(RunStatusNames.ToWire))
                .AddEach("workflow_ids", workflowIds)
                .AddMetadata("additional_metadata", query.AdditionalMetadata)
                .Add("additional_metadata_operator", query.MatchAllMetadata ? "AND" : null)
                .Add("only_tasks", query.OnlyTasks)
                .Add("parent_task_external_id", query.ParentTaskExternalId)
                .Add("triggering_event_external_id", query.TriggeringEventId)
                .Add("include_payloads", query.IncludePayloads)
                .Apply($"/api/v1/stable/tenants/{_restParts.TenantId}/workflow-runs");
            List<RunSummary> page;
            using (var answer = await _restParts.Rest.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false))
            {
                page = [.. answer.RootElement.Rows().Select(ReadSummary)];
            }

            foreach (var row in page)
            {
                yield return row;
            }

            if (page.Count < query.PageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>Gets a run's details: status, input, metadata, and each task's output or error.</summary>
    /// <param name="runId">The workflow run id (or a task run id).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The details.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown run).</exception>
    public async Task<RunDetails> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        using var answer = await _restParts.Rest.SendAsync(HttpMethod.Get, $"/api/v1/stable/workflow-runs/{Uri.EscapeDataString(runId)}", null, cancellationToken).ConfigureAwait(false);
        var root = answer.RootElement;
        var run = root.GetProperty("run");
        var tasks = root.TryGetProperty("tasks", out var t) && t.ValueKind == JsonValueKind.Array ? t.EnumerateArray() : default;
        return new RunDetails(
            run.Id(),
            run.Text("workflowId"),
            run.Text("displayName"),
            RunStatusNames.FromWire(run.TextOrNull("status")),
            run.Json("input"),
            run.Json("additionalMetadata"),
            run.CreatedAt(),
            run.Time("finishedAt"),
            string.IsNullOrEmpty(run.TextOrNull("errorMessage")) ? null : run.TextOrNull("errorMessage"),
            [.. tasks.Select(e => new TaskRunDetails(
                e.Text("taskExternalId"),
                e.Text("displayName"),
                RunStatusNames.FromWire(e.TextOrNull("status")),
                e.Int("retryCount") ?? 0,
                e.Json("output"),
                e.TextOrNull("errorMessage"),
                e.Time("startedAt"),
                e.Time("finishedAt")))]);
    }

    /// <summary>Gets a run's status.</summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>404</c> for an unknown run).</exception>
    public async Task<RunStatus> GetStatusAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        using var answer = await _restParts.Rest.SendAsync(HttpMethod.Get, $"/api/v1/stable/workflow-runs/{Uri.EscapeDataString(runId)}/status", null, cancellationToken).ConfigureAwait(false);
        return RunStatusNames.FromWire(answer.RootElement.ValueKind == JsonValueKind.String ? answer.RootElement.GetString() : null);
    }

    /// <summary>Cancels every run a filter matches (the engine acts on at most 20,000).</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids of the runs the engine will cancel.</returns>
    /// <exception cref="HatchetApiException">The engine refused the filter.</exception>
    public async Task<IReadOnlyList<string>> CancelByFilterAsync(RunFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);

        // Cancelling twice is harmless, so a transient failure is retried.
        return await BulkAsync("cancel", new JsonObject { ["filter"] = FilterJson(filter) }, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replays runs or task runs by id: their failed and cancelled tasks run again as new attempts.</summary>
    /// <param name="ids">Workflow run or task run ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids of the task runs replayed.</returns>
    /// <exception cref="HatchetApiException">The engine refused.</exception>
    public Task<IReadOnlyList<string>> ReplayAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return BulkAsync("replay", new JsonObject { ["externalIds"] = new JsonArray([.. ids.Select(i => (JsonNode)JsonValue.Create(i))]) }, idempotent: false, cancellationToken);
    }

    /// <summary>Replays every run a filter matches.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids of the task runs replayed.</returns>
    /// <exception cref="HatchetApiException">The engine refused the filter.</exception>
    public Task<IReadOnlyList<string>> ReplayByFilterAsync(RunFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return BulkAsync("replay", new JsonObject { ["filter"] = FilterJson(filter) }, idempotent: false, cancellationToken);
    }

    private static RunSummary ReadSummary(JsonElement e) => new(
        e.Id(),
        e.Text("workflowRunExternalId"),
        e.Text("workflowId"),
        e.TextOrNull("workflowName"),
        e.Text("displayName"),
        RunStatusNames.FromWire(e.TextOrNull("status")),
        e.TextOrNull("type") == "DAG",
        e.Time("createdAt") ?? e.CreatedAt(),
        e.Time("startedAt"),
        e.Time("finishedAt"),
        e.TextOrNull("errorMessage"),
        e.Json("input"),
        e.Json("output"),
        e.Json("additionalMetadata"),
        e.TextOrNull("parentTaskExternalId"));

    private static JsonObject FilterJson(RunFilter filter)
    {
        var json = new JsonObject { ["since"] = filter.Since.ToUniversalTime() };
        if (filter.Until is { } until)
        {
            json["until"] = until.ToUniversalTime();
        }

        if (filter.Statuses is { Count: > 0 } statuses)
        {
            json["statuses"] = new JsonArray([.. statuses.Select(s => (JsonNode)JsonValue.Create(RunStatusNames.ToWire(s)))]);
        }

        if (filter.WorkflowIds is { Count: > 0 } ids)
        {
            json["workflowIds"] = new JsonArray([.. ids.Select(i => (JsonNode)JsonValue.Create(i))]);
        }

        if (filter.AdditionalMetadata is { Count: > 0 } metadata)
        {
            json["additionalMetadata"] = new JsonArray([.. metadata.Select(p => (JsonNode)JsonValue.Create(p.Key + ":" + p.Value))]);
        }

        return json;
    }

    private async Task<IReadOnlyList<string>> BulkAsync(string action, JsonObject body, bool idempotent, CancellationToken cancellationToken)
    {
        using var answer = await _restParts.Rest.SendAsync(
            HttpMethod.Post, $"/api/v1/stable/tenants/{_restParts.TenantId}/tasks/{action}", body.ToJsonString(), cancellationToken, idempotent).ConfigureAwait(false);
        return answer.RootElement.Strings("ids");
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Rest;

namespace MageFlow.Hatchet.Schedules;

/// <summary>Rescheduling, trigger-now and bulk deletion of schedules. Those that set a final state are retried on a transient failure.</summary>
public sealed partial class SchedulesClient
{
    /// <summary>Moves a schedule that has not fired yet to a new time.</summary>
    /// <param name="scheduleId">The schedule's id.</param>
    /// <param name="triggerAt">Its new time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule after the change.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>400</c> once it fired, <c>404</c> for an unknown schedule).</exception>
    public async Task<ScheduledRun> UpdateAsync(string scheduleId, DateTimeOffset triggerAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);
        var body = new JsonObject { ["triggerAt"] = triggerAt.ToUniversalTime() };
        using var answer = await _rest.SendAsync(HttpMethod.Patch, ItemPath(scheduleId), body.ToJsonString(), cancellationToken, idempotent: true).ConfigureAwait(false);
        return FromJson(answer.RootElement);
    }

    /// <summary>Starts a schedule's run now; the schedule then counts as fired and does not run again at its time.</summary>
    /// <param name="scheduleId">The schedule's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The id of the run started.</returns>
    /// <exception cref="HatchetApiException">The engine refused (<c>400</c> once it fired, <c>404</c> for an unknown schedule).</exception>
    public async Task<string> TriggerNowAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheduleId);

        // Not retried: a repeated trigger could start a second run.
        using var answer = await _rest.SendAsync(HttpMethod.Post, ItemPath(scheduleId), null, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.Text("externalId");
    }

    /// <summary>Moves several schedules; those that fired or are unknown are reported, not moved.</summary>
    /// <param name="updates">The schedules and their new times.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedules moved and why the others were not.</returns>
    /// <exception cref="HatchetApiException">The engine refused the request.</exception>
    public async Task<ScheduleBulkResult> BulkUpdateAsync(IEnumerable<ScheduleUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var list = new JsonArray([.. updates.Select(u => (JsonNode)new JsonObject { ["id"] = u.ScheduleId, ["triggerAt"] = u.TriggerAt.ToUniversalTime() })]);
        return await BulkAsync("bulk-update", new JsonObject { ["updates"] = list }, "updatedIds", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes several schedules by id.</summary>
    /// <param name="scheduleIds">The schedules' ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedules deleted and why the others were not.</returns>
    /// <exception cref="HatchetApiException">The engine refused the request (<c>400</c> for no ids).</exception>
    public Task<ScheduleBulkResult> BulkDeleteAsync(IEnumerable<string> scheduleIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduleIds);
        var body = new JsonObject { ["scheduledWorkflowRunIds"] = new JsonArray([.. scheduleIds.Select(i => (JsonNode)JsonValue.Create(i))]) };
        return BulkAsync("bulk-delete", body, "deletedIds", cancellationToken);
    }

    /// <summary>Deletes every schedule a filter matches.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedules deleted and why others were not.</returns>
    /// <exception cref="HatchetApiException">The engine refused the filter.</exception>
    public async Task<ScheduleBulkResult> BulkDeleteByFilterAsync(ScheduleBulkDeleteFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var json = new JsonObject();
        if (filter.WorkflowName is { } workflow)
        {
            json["workflowId"] = await _workflows.ResolveIdAsync(workflow, cancellationToken).ConfigureAwait(false);
        }

        if (filter.AdditionalMetadata is { } metadata)
        {
            json["additionalMetadata"] = new JsonArray([.. metadata.Select(p => (JsonNode)JsonValue.Create(p.Key + ":" + p.Value))]);
        }

        return await BulkAsync("bulk-delete", new JsonObject { ["filter"] = json }, "deletedIds", cancellationToken).ConfigureAwait(false);
    }

    private string ItemPath(string scheduleId) => $"/api/v1/tenants/{_tenantId}/workflows/scheduled/{Uri.EscapeDataString(scheduleId)}";

    private async Task<ScheduleBulkResult> BulkAsync(string action, JsonObject body, string idsField, CancellationToken cancellationToken)
    {
        using var answer = await _rest.SendAsync(
            HttpMethod.Post, $"/api/v1/tenants/{_tenantId}/workflows/scheduled/{action}", body.ToJsonString(), cancellationToken, idempotent: true).ConfigureAwait(false);
        var root = answer.RootElement;
        var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray().Select(x => new ScheduleBulkError(x.TextOrNull("id"), x.Text("error"))).ToList()
            : [];
        return new ScheduleBulkResult(root.Strings(idsField), errors);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Hatchet's v1 run endpoints (api/v1/server/handlers/v1/workflow-runs and tasks/{cancel,replay}.go): list with filters,
/// details, status, and cancel or replay by ids or by filter.
/// </summary>
internal static class RestRuns
{
    // Runs in the dev engine record neither the worker of each attempt nor idempotency keys.
    private static readonly string[] UnsupportedFilters = ["worker_id", "idempotency_keys"];

    public static void Map(IEndpointRouteBuilder app, Engine engine)
    {
        app.MapGet("/api/v1/stable/tenants/{tenantId}/workflow-runs", (string tenantId, HttpContext http) =>
        {
            var q = http.Request.Query;
            if (Unsupported(q) is { } unsupported)
            {
                return unsupported;
            }

            if (RestJson.Paging(q, out var limit, out var offset) is { } badPage)
            {
                return badPage;
            }

            if (!RestJson.TryTime(q["since"], out var since))
            {
                return RestJson.Error(400, "since is required and must be a date-time");
            }

            if (RestJson.MetadataPairs(q["additional_metadata"], out var metadata) is { } badMetadata)
            {
                return badMetadata;
            }

            var statuses = new List<ExecutionStatus>();
            foreach (var s in q["statuses"])
            {
                if (!RestJson.TryStatus(s, out var status))
                {
                    return RestJson.Error(400, $"invalid status '{s}'");
                }

                statuses.Add(status);
            }

            if (RestJson.OptionalTime(q, "until", out var until) is { } badUntil)
            {
                return badUntil;
            }

            var op = q["additional_metadata_operator"].ToString();
            if (op is not ("" or "AND" or "OR"))
            {
                return RestJson.Error(400, "additional_metadata_operator must be AND or OR");
            }

            var filter = new RunFilter
            {
                Since = since,
                Until = until,
                Statuses = statuses,
                WorkflowIds = [.. q["workflow_ids"].Select(w => w ?? string.Empty)],
                Metadata = metadata,
                MetadataAll = op == "AND",
                ParentTaskExternalId = NullIfEmpty(q["parent_task_external_id"]),
                TriggeringEventId = NullIfEmpty(q["triggering_event_external_id"]),
            };
            var includePayloads = q["include_payloads"].ToString() == "true";
            var runs = engine.Runs.List(filter);
            List<JsonNode> rows;
            if (q["only_tasks"].ToString() == "true")
            {
                // Tasks are filtered as their runs are: a DAG's tasks share its creation time, metadata and workflow.
                rows = [.. runs.SelectMany(r => r.Tasks.Where(t => statuses.Count == 0 || statuses.Contains(t.Status))
                    .Select(t => (JsonNode)RestRunDetails.Task(r, t, engine.TenantId, includePayloads)))];
            }
            else
            {
                rows = [.. runs.Select(r => (JsonNode)RestRunDetails.Row(r, engine.TenantId, includePayloads))];
            }

            return Results.Json(new JsonObject
            {
                ["pagination"] = RestJson.Pagination(rows.Count, limit, offset),
                ["rows"] = new JsonArray([.. rows.Skip(offset).Take(limit)]),
            });
        });

        app.MapGet("/api/v1/stable/workflow-runs/{runId}", (string runId, HttpContext http) =>
            WithRun(engine, runId, run => Results.Json(RestRunDetails.ToJson(run, engine.TenantId))));

        app.MapGet("/api/v1/stable/workflow-runs/{runId}/status", (string runId, HttpContext http) =>
            WithRun(engine, runId, run => Results.Json(RestJson.Status(run.Status))));

        app.MapPost("/api/v1/stable/tenants/{tenantId}/tasks/cancel", (string tenantId, HttpContext http) =>
            IdsOrFilter(http, engine, engine.Runs.Cancel, engine.Runs.Cancel));
        app.MapPost("/api/v1/stable/tenants/{tenantId}/tasks/replay", (string tenantId, HttpContext http) =>
            IdsOrFilter(http, engine, engine.Runs.Replay, engine.Runs.Replay));
    }

    /// <summary>Query parameters the dev engine cannot honour: refused rather than ignored, so a list is never silently wider.</summary>
    private static IResult? Unsupported(IQueryCollection q)
    {
        foreach (var name in UnsupportedFilters)
        {
            if (q.ContainsKey(name))
            {
                return RestJson.Error(400, $"the dev engine does not support the '{name}' filter");
            }
        }

        return q["running_filter"].ToString() is "" or "ALL" or "ON_WORKER"
            ? null
            : RestJson.Error(400, "the dev engine has no evicted tasks; running_filter must be ALL or ON_WORKER");
    }

    private static IResult WithRun(Engine engine, string runId, Func<Core.Outputs.RunDetails, IResult> answer)
    {
        try
        {
            return answer(engine.Runs.GetDetails(runId));
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound)
        {
            return RestJson.Error(e.StatusCode == StatusCode.NotFound ? 404 : 400, e.Status.Detail);
        }
    }

    private static async Task<IResult> IdsOrFilter(
        HttpContext http,
        Engine engine,
        Func<IEnumerable<string>, IReadOnlyList<string>> byIds,
        Func<RunFilter, IReadOnlyList<string>> byFilter)
    {
        var (body, problem) = await RestJson.ReadObjectAsync(http).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var ids = body!["externalIds"] as JsonArray;
        var filterJson = body["filter"] as JsonObject;
        if (ids is { Count: > 0 } && filterJson is not null)
        {
            return RestJson.Error(400, "cannot provide both external ids and filter");
        }

        try
        {
            if (ids is { Count: > 0 } || filterJson is null)
            {
                return Results.Json(new { ids = byIds([.. (ids ?? []).Select(e => e?.GetValue<string>() ?? string.Empty)]) });
            }

            return ParseFilter(filterJson, out var filter) ?? Results.Json(new { ids = byFilter(filter!) });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            // Hatchet's REST API types the ids as UUIDs, so a malformed one is a bad request.
            return RestJson.Error(400, e.Status.Detail);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            return RestJson.Error(400, "invalid request body: " + e.Message);
        }
    }

    /// <summary>Reads a <c>V1TaskFilter</c>: <c>since</c> required; metadata pairs must all match, as Hatchet's filter map does.</summary>
    private static IResult? ParseFilter(JsonObject json, out RunFilter? filter)
    {
        filter = null;
        if (!RestJson.TryTime(json["since"]?.GetValue<string>(), out var since))
        {
            return RestJson.Error(400, "filter.since is required and must be a date-time");
        }

        DateTimeOffset? until = null;
        if (json["until"] is JsonValue u)
        {
            if (!RestJson.TryTime(u.GetValue<string>(), out var at))
            {
                return RestJson.Error(400, "filter.until must be a date-time");
            }

            until = at;
        }

        var statuses = new List<ExecutionStatus>();
        foreach (var s in json["statuses"] as JsonArray ?? [])
        {
            if (!RestJson.TryStatus(s?.GetValue<string>(), out var status))
            {
                return RestJson.Error(400, $"invalid status '{s}'");
            }

            statuses.Add(status);
        }

        var workflowIds = (json["workflowIds"] as JsonArray ?? []).Select(w => w?.GetValue<string>() ?? string.Empty).ToList();
        if (workflowIds.Any(w => !Guid.TryParse(w, out _)))
        {
            return RestJson.Error(400, "invalid workflow id");
        }

        var metadata = new List<KeyValuePair<string, string>>();
        foreach (var m in json["additionalMetadata"] as JsonArray ?? [])
        {
            var text = m?.GetValue<string>() ?? string.Empty;
            var at = text.IndexOf(':', StringComparison.Ordinal);
            if (at < 0)
            {
                return RestJson.Error(400, $"invalid additional metadata filter: {text}");
            }

            metadata.Add(new(text[..at], text[(at + 1)..]));
        }

        filter = new RunFilter { Since = since, Until = until, Statuses = statuses, WorkflowIds = workflowIds, Metadata = metadata, MetadataAll = true };
        return null;
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues v) => v.Count == 0 || string.IsNullOrEmpty(v[0]) ? null : v[0];
}

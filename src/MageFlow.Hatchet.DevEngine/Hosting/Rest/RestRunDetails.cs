using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Hosting.Rest;

/// <summary>
/// Writes a run snapshot in the JSON shape of Hatchet's <c>GET /api/v1/stable/workflow-runs/{id}</c>
/// (<c>V1WorkflowRunDetails</c> in api-contracts/openapi/components/schemas/v1/workflow_run.yaml, filled as
/// api/v1/server/oas/transformers/v1/tasks.go does). SDKs read a run's outputs from it when the run event carries
/// none, which the engine does for results over about 3 MB.
/// </summary>
internal static class RestRunDetails
{
    public static JsonObject ToJson(RunDetails run, string tenantId)
    {
        var tasks = new JsonArray();
        foreach (var t in run.Tasks)
        {
            tasks.Add(Task(run, t, tenantId));
        }

        var shape = new JsonArray();
        foreach (var t in run.Tasks)
        {
            shape.Add(new JsonObject
            {
                ["taskExternalId"] = t.ExternalId,
                ["stepId"] = t.Task.Id,
                ["childrenStepIds"] = new JsonArray(t.Task.Children.Select(c => (JsonNode)JsonValue.Create(c.Id)).ToArray()),
                ["taskName"] = t.ReadableId,
            });
        }

        return new JsonObject
        {
            ["run"] = new JsonObject
            {
                ["metadata"] = Meta(run.RunId, run.CreatedAt),
                ["status"] = Status(run.Status),
                ["tenantId"] = tenantId,
                ["displayName"] = run.Workflow.Name,
                ["workflowId"] = run.Workflow.WorkflowId,
                ["workflowVersionId"] = run.Workflow.VersionId,
                ["input"] = AsObject(run.InputJson),

                // The engine fills a run's output only from the OLAP row, which a v1 run leaves empty: outputs are per task.
                ["output"] = new JsonObject(),
                ["additionalMetadata"] = AsObject(run.MetadataJson),
                ["createdAt"] = run.CreatedAt,
                ["finishedAt"] = run.FinishedAt,
                ["errorMessage"] = string.Join("\n", run.Tasks.Where(t => t.Error is not null).Select(t => t.Error)),
            },
            ["taskEvents"] = new JsonArray(),
            ["shape"] = shape,
            ["tasks"] = tasks,
        };
    }

    /// <summary>
    /// A row of the REST run list (<c>V1TaskSummary</c>): a one-task run is its task (they share the id); a DAG is a row of
    /// its own with its tasks as <c>children</c>.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="tenantId">The tenant id.</param>
    /// <param name="includePayloads">Whether to fill inputs and outputs (the engine leaves them <c>{}</c> unless asked).</param>
    /// <returns>The row.</returns>
    public static JsonObject Row(RunDetails run, string tenantId, bool includePayloads)
    {
        if (run.Workflow.IsSingleTask && run.Tasks.Count > 0)
        {
            return Task(run, run.Tasks[0], tenantId, includePayloads);
        }

        var row = new JsonObject
        {
            ["metadata"] = Meta(run.RunId, run.CreatedAt),
            ["taskExternalId"] = run.RunId,
            ["taskId"] = StableNumber(run.RunId),
            ["taskInsertedAt"] = run.CreatedAt,
            ["createdAt"] = run.CreatedAt,
            ["displayName"] = run.Workflow.Name,
            ["status"] = Status(run.Status),
            ["input"] = includePayloads ? AsObject(run.InputJson) : new JsonObject(),
            ["output"] = new JsonObject(),
            ["additionalMetadata"] = AsObject(run.MetadataJson),
            ["numSpawnedChildren"] = 0,
            ["tenantId"] = tenantId,
            ["type"] = "DAG",
            ["workflowId"] = run.Workflow.WorkflowId,
            ["workflowName"] = run.Workflow.Name,
            ["workflowVersionId"] = run.Workflow.VersionId,
            ["workflowRunExternalId"] = run.RunId,
            ["children"] = new JsonArray([.. run.Tasks.Select(t => (JsonNode)Task(run, t, tenantId, includePayloads))]),
        };
        if (run.ParentTaskExternalId is { } parent)
        {
            row["parentTaskExternalId"] = parent;
        }

        var errors = string.Join("\n", run.Tasks.Where(t => t.Error is not null).Select(t => t.Error));
        if (errors.Length > 0)
        {
            row["errorMessage"] = errors;
        }

        if (run.Tasks.Select(t => t.StartedAt).Where(s => s is not null).Min() is { } started)
        {
            row["startedAt"] = started;
            if (run.FinishedAt is { } finished)
            {
                row["duration"] = (int)(finished - started).TotalMilliseconds;
            }
        }

        if (run.FinishedAt is { } end)
        {
            row["finishedAt"] = end;
        }

        return row;
    }

    /// <summary>A task run's <c>V1TaskSummary</c>.</summary>
    /// <param name="run">Its run.</param>
    /// <param name="t">The task run.</param>
    /// <param name="tenantId">The tenant id.</param>
    /// <param name="includePayloads">Whether to fill input and output.</param>
    /// <returns>The JSON.</returns>
    public static JsonObject Task(RunDetails run, TaskDetail t, string tenantId, bool includePayloads = true)
    {
        var task = new JsonObject
        {
            ["metadata"] = Meta(t.ExternalId, t.InsertedAt),
            ["id"] = t.ExternalId,
            ["taskExternalId"] = t.ExternalId,
            ["taskId"] = StableNumber(t.ExternalId),
            ["taskInsertedAt"] = t.InsertedAt,
            ["createdAt"] = t.InsertedAt,
            ["actionId"] = t.Task.Action,
            ["stepId"] = t.Task.Id,
            ["displayName"] = t.ReadableId,
            ["status"] = Status(t.Status),
            ["retryCount"] = t.RetryCount,
            ["attempt"] = t.RetryCount + 1,
            ["input"] = includePayloads ? AsObject(run.InputJson) : new JsonObject(),
            ["output"] = t.Output is null || !includePayloads ? new JsonObject() : AsObject(t.Output),
            ["additionalMetadata"] = AsObject(run.MetadataJson),
            ["numSpawnedChildren"] = 0,
            ["tenantId"] = tenantId,
            ["type"] = run.Workflow.IsSingleTask ? "TASK" : "DAG",
            ["workflowId"] = run.Workflow.WorkflowId,
            ["workflowName"] = run.Workflow.Name,
            ["workflowVersionId"] = run.Workflow.VersionId,
            ["workflowRunExternalId"] = run.RunId,
        };
        if (t.Error is not null)
        {
            task["errorMessage"] = t.Error;
        }

        if (run.ParentTaskExternalId is { } parent)
        {
            task["parentTaskExternalId"] = parent;
        }

        if (t.StartedAt is { } started)
        {
            task["startedAt"] = started;
        }

        if (t.FinishedAt is { } finished)
        {
            task["finishedAt"] = finished;
            if (t.StartedAt is { } s)
            {
                task["duration"] = (int)(finished - s).TotalMilliseconds;
            }
        }

        return task;
    }

    // Hatchet's numeric task id is a database sequence the dev engine does not have: a number that stays the same for
    // one task run stands in for it. string.GetHashCode is randomized per process, which is fine for a process-local id.
    private static int StableNumber(string externalId) => Math.Abs(externalId.GetHashCode(StringComparison.Ordinal) % int.MaxValue);

    private static JsonObject Meta(string id, DateTimeOffset at) => new() { ["id"] = id, ["createdAt"] = at, ["updatedAt"] = at };

    private static string Status(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => "RUNNING",
        ExecutionStatus.Completed => "COMPLETED",
        ExecutionStatus.Failed => "FAILED",
        ExecutionStatus.Cancelled => "CANCELLED",
        _ => "QUEUED",
    };

    /// <summary>The engine reads payloads into a JSON object (<c>jsonToMap</c>): anything else becomes <c>{}</c>.</summary>
    private static JsonObject AsObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            return new JsonObject();
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;

namespace MageFlow.Hatchet.DevEngine.Hosting;

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

    private static JsonObject Task(RunDetails run, TaskDetail t, string tenantId)
    {
        var task = new JsonObject
        {
            ["metadata"] = Meta(t.ExternalId, t.InsertedAt),
            ["id"] = t.ExternalId,
            ["taskExternalId"] = t.ExternalId,
            // Hatchet's numeric task id is a database sequence the dev engine does not have: a number that stays the same
            // for one task run stands in for it.
            ["taskId"] = Math.Abs(t.ExternalId.GetHashCode(StringComparison.Ordinal) % int.MaxValue),
            ["taskInsertedAt"] = t.InsertedAt,
            ["createdAt"] = t.InsertedAt,
            ["actionId"] = t.Task.Action,
            ["stepId"] = t.Task.Id,
            ["displayName"] = t.ReadableId,
            ["status"] = Status(t.Status),
            ["retryCount"] = t.RetryCount,
            ["attempt"] = t.RetryCount + 1,
            ["input"] = AsObject(run.InputJson),
            ["output"] = t.Output is null ? new JsonObject() : AsObject(t.Output),
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

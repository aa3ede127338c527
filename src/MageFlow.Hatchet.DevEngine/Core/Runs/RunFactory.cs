using System.Globalization;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Workflows;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// Turns run requests into runs: <see cref="Prepare"/> validates and resolves everything that can fail, so a
/// caller can check a whole batch before creating any of it; <see cref="Create"/> then cannot fail.
/// </summary>
internal sealed class RunFactory(WorkflowRegistry workflows, RunStore runs, RunLifecycle lifecycle, EngineCounters counters, TimeProvider time)
{
    /// <summary>Validates a request: workflow, input, metadata, priority, preferred worker, parent (with child dedupe).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The prepared trigger.</returns>
    public PreparedTrigger Prepare(RunRequest request)
    {
        var name = request.WorkflowName;
        if (!workflows.TryGet(name, out var def))
        {
            throw EngineErrors.NotFound($"workflow '{name}' is not registered; a worker must register it with PutWorkflow first");
        }

        string inputJson;
        JsonObject? input;
        if (request.InputFromEvent)
        {
            inputJson = request.InputJson ?? string.Empty;
            input = JsonInput.ObjectOrNull(inputJson);
        }
        else
        {
            inputJson = string.IsNullOrWhiteSpace(request.InputJson) ? "{}" : request.InputJson;
            input = JsonInput.ParseObject(inputJson, $"input of workflow '{name}'");
        }

        var metadata = JsonInput.ParseObject(request.AdditionalMetadataJson, $"additional_metadata of workflow '{name}'");
        if (request.Priority is < 1 or > 3)
        {
            throw EngineErrors.Invalid($"workflow '{name}': priority must be between 1 and 3, got {request.Priority}");
        }

        if (request.DesiredWorkerId is not null && !Guid.TryParse(request.DesiredWorkerId, out _))
        {
            throw EngineErrors.Invalid($"desired_worker_id '{request.DesiredWorkerId}' is not a UUID");
        }

        TaskRun? parent = null;
        string? dedupeKey = null;
        WorkflowRun? existing = null;
        if (request.ParentTaskRunExternalId is { Length: > 0 } parentId)
        {
            if (!runs.TryGetTask(parentId, out parent))
            {
                throw EngineErrors.NotFound($"parent task run '{parentId}' does not exist");
            }

            // Hatchet looks a child up only when the spawn sends a child index, by its key if it sends one, else by
            // the index (getChildSignalEventKey in pkg/repository/ids.go; the parent and step index are implied here).
            dedupeKey = request.ChildIndex is { } childIndex
                ? request.ChildKey ?? childIndex.ToString(CultureInfo.InvariantCulture)
                : null;
            if (dedupeKey is not null && parent.ChildRuns is not null && parent.ChildRuns.TryGetValue(dedupeKey, out var prior))
            {
                existing = prior;
            }

            metadata = InheritMetadata(parent, metadata);
        }

        var priority = request.Priority ?? def.DefaultPriority;
        return new PreparedTrigger(def, request, inputJson, input, metadata, priority, parent, dedupeKey, existing);
    }

    /// <summary>Creates the run of a prepared trigger and lets it in (or returns the child run it duplicates).</summary>
    /// <param name="p">The prepared trigger.</param>
    /// <param name="eventId">The id of the event that triggered it, if any.</param>
    /// <param name="eventKey">The key of that event, if any.</param>
    /// <returns>The run.</returns>
    public WorkflowRun Create(PreparedTrigger p, string? eventId, string? eventKey)
    {
        if (p.Existing is not null)
        {
            return p.Existing;
        }

        var now = time.GetUtcNow();
        var runId = Guid.NewGuid().ToString();
        var run = new WorkflowRun
        {
            Id = runId,
            Def = p.Def,
            InputJson = p.InputJson,
            Input = p.Input,
            MetadataJson = p.Metadata.ToJsonString(),
            Metadata = p.Metadata,
            Priority = p.Priority,
            CreatedAt = now,
            ParentTask = p.Parent,
            ChildIndex = p.Request.ChildIndex,
            ChildKey = p.Request.ChildKey,
            DesiredWorkerId = p.Request.DesiredWorkerId,
            DesiredLabels = p.Request.DesiredLabels,
            TriggeringEventId = eventId,
            TriggeringEventKey = eventKey,
            FilterPayloadJson = p.Request.FilterPayloadJson,
        };
        var tasks = new TaskRun[p.Def.Tasks.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            // A single-task workflow's task shares the run's id, as in Hatchet.
            var taskId = p.Def.IsSingleTask ? runId : Guid.NewGuid().ToString();
            tasks[i] = new TaskRun { ExternalId = taskId, Def = p.Def.Tasks[i], Run = run, InsertedAt = now };
        }

        run.Tasks = tasks;
        runs.Add(run);
        if (p.Parent is not null && p.DedupeKey is not null)
        {
            // ON CONFLICT DO NOTHING, and the outcome is not read: a spawn that did not see an earlier record of its key
            // (in the same bulk request, or in flight at the same time) still creates its run, and the first record stays.
            (p.Parent.ChildRuns ??= new(StringComparer.Ordinal)).TryAdd(p.DedupeKey, run);
        }

        counters.RunCreated();
        lifecycle.Admit(run);
        return run;
    }

    /// <summary>Children inherit the parent's metadata (except engine keys), their own keys win, and the engine adds the parent ids.</summary>
    private static JsonObject InheritMetadata(TaskRun parent, JsonObject own)
    {
        var merged = new JsonObject();
        foreach (var (k, v) in parent.Run.Metadata)
        {
            if (!k.StartsWith("hatchet__", StringComparison.Ordinal))
            {
                merged[k] = v?.DeepClone();
            }
        }

        foreach (var (k, v) in own)
        {
            merged[k] = v?.DeepClone();
        }

        merged["hatchet__parent_workflow_run_id"] = parent.Run.Id;
        merged["hatchet__parent_step_run_id"] = parent.ExternalId;
        return merged;
    }
}

using System.Text.Json;
using MageFlow.Hatchet.Diagnostics;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Triggering;

/// <summary>
/// Resolves a trigger into the <see cref="TriggerRun"/> the engine will receive. The one place where a child run
/// inherits its parent task's metadata and link (as the Python and TypeScript SDKs do), then the workflow's default
/// metadata, then the trigger's own; later ones win.
/// </summary>
internal static class TriggerRunFactory
{
    public static TriggerRun Create(string workflowName, string inputJson, RunOptions? options, IDictionary<string, string>? defaults)
    {
        var metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var parent = options?.AsChild == false ? null : TaskContext.Current;
        TriggerParent? link = null;
        string? desiredWorker = null;
        if (parent is not null)
        {
            foreach (var (k, v) in parent.AdditionalMetadata)
            {
                // Engine-owned keys (hatchet__*) describe the parent's own run; the engine sets the child's. The parent's
                // trace context points at the span that started the parent: the trigger injects the current span's.
                if (!k.StartsWith("hatchet__", StringComparison.Ordinal) && k is not (TraceContextMetadata.TraceParentKey or TraceContextMetadata.TraceStateKey))
                {
                    metadata[k] = v;
                }
            }

            link = new TriggerParent(parent.WorkflowRunId, parent.TaskRunExternalId, parent.NextChildIndex());
            desiredWorker = options?.Sticky == true ? parent.WorkerId : null;
        }

        foreach (var (k, v) in defaults ?? EmptyStrings)
        {
            metadata[k] = JsonSerializer.SerializeToElement(v);
        }

        foreach (var (k, v) in options?.AdditionalMetadata ?? EmptyStrings)
        {
            metadata[k] = JsonSerializer.SerializeToElement(v);
        }

        return new TriggerRun(workflowName, inputJson)
        {
            AdditionalMetadata = metadata,
            Priority = options?.Priority,
            Parent = link,
            ChildKey = link is null ? null : options?.Key,
            DesiredWorkerId = desiredWorker,
            DesiredWorkerLabels = options is { DesiredWorkerLabels.Count: > 0 }
                ? new Dictionary<string, DesiredWorkerLabel>(options.DesiredWorkerLabels, StringComparer.Ordinal)
                : new Dictionary<string, DesiredWorkerLabel>(StringComparer.Ordinal),
        };
    }

    private static readonly Dictionary<string, string> EmptyStrings = new(StringComparer.Ordinal);
}

using System.Text;
using System.Text.Json;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Triggering;

/// <summary>Maps a resolved <see cref="TriggerRun"/> to the engine's trigger request.</summary>
internal static class TriggerRequests
{
    public static TriggerWorkflowRequest ToProto(TriggerRun run)
    {
        var request = new TriggerWorkflowRequest
        {
            Name = run.WorkflowName,
            Input = run.InputJson,
            AdditionalMetadata = MetadataJson(run.AdditionalMetadata),
        };
        if (run.Priority is { } priority)
        {
            request.Priority = priority;
        }

        if (run.Parent is { } parent)
        {
            request.ParentId = parent.WorkflowRunId;
            request.ParentTaskRunExternalId = parent.TaskRunExternalId;
            request.ChildIndex = parent.ChildIndex;
            if (run.ChildKey is { } key)
            {
                request.ChildKey = key;
            }
        }

        if (run.DesiredWorkerId is { } worker)
        {
            request.DesiredWorkerId = worker;
        }

        foreach (var (key, label) in run.DesiredWorkerLabels)
        {
            request.DesiredWorkerLabels[key] = label.ToProto();
        }

        return request;
    }

    /// <summary>Approximate size on the wire, for splitting bulk calls under the engine's message limit.</summary>
    public static int SizeOf(TriggerWorkflowRequest request) => request.CalculateSize();

    private static string MetadataJson(IReadOnlyDictionary<string, JsonElement> metadata)
    {
        if (metadata.Count == 0)
        {
            return "{}";
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (k, v) in metadata)
            {
                w.WritePropertyName(k);
                v.WriteTo(w);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

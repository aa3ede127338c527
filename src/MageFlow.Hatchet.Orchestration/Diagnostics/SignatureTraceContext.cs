using System.Diagnostics;
using System.Text.Json;
using MageFlow.Hatchet.Diagnostics;

namespace MageFlow.Hatchet.Orchestration.Diagnostics;

/// <summary>
/// A signature keeps the trace context of the code that made it, in its run metadata (<c>meta</c>): its run may start
/// much later and elsewhere (a queued swarm item, a callback, the next chain step, published by whichever process
/// records an end), and should still join the trace of the task or request that asked for it.
/// </summary>
internal static class SignatureTraceContext
{
    /// <summary>Returns <paramref name="metadataJson"/> with the current span's context added, unless it has one already.</summary>
    public static string? WithCurrent(string? metadataJson)
    {
        if (Activity.Current is not { } current)
        {
            return metadataJson;
        }

        var metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(metadataJson))
        {
            using var doc = JsonDocument.Parse(metadataJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return metadataJson;
            }

            foreach (var p in doc.RootElement.EnumerateObject())
            {
                metadata[p.Name] = p.Value.Clone();
            }
        }

        if (TraceContextMetadata.HasTraceParent(metadata))
        {
            return metadataJson;
        }

        TraceContextMetadata.Inject(metadata, current);
        return JsonSerializer.Serialize(metadata);
    }
}

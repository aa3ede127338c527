using System.Diagnostics;
using System.Text.Json;

namespace MageFlow.Hatchet.Diagnostics;

/// <summary>
/// The W3C trace context in a run's additional metadata, under the keys the official Hatchet instrumentors use
/// (<c>traceparent</c>, and <c>tracestate</c> when there is one), so that a trace crosses runs in any language.
/// </summary>
public static class TraceContextMetadata
{
    /// <summary>The metadata key of the W3C <c>traceparent</c> header.</summary>
    public const string TraceParentKey = "traceparent";

    /// <summary>The metadata key of the W3C <c>tracestate</c> header.</summary>
    public const string TraceStateKey = "tracestate";

    /// <summary>Writes <paramref name="activity"/>'s context into <paramref name="metadata"/>, replacing any trace context there.</summary>
    /// <param name="metadata">The run's metadata.</param>
    /// <param name="activity">The span the run continues.</param>
    public static void Inject(IDictionary<string, JsonElement> metadata, Activity activity)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.IdFormat != ActivityIdFormat.W3C || activity.Id is not { } id)
        {
            return;
        }

        metadata[TraceParentKey] = JsonSerializer.SerializeToElement(id);
        // A tracestate belongs to its traceparent: one inherited with an older traceparent must not survive.
        if (string.IsNullOrEmpty(activity.TraceStateString))
        {
            metadata.Remove(TraceStateKey);
        }
        else
        {
            metadata[TraceStateKey] = JsonSerializer.SerializeToElement(activity.TraceStateString);
        }
    }

    /// <summary>Reads the trace context a run carries in its metadata.</summary>
    /// <param name="metadata">The run's metadata.</param>
    /// <param name="context">The remote parent context, when there is a valid <c>traceparent</c>.</param>
    /// <returns>Whether the metadata holds a valid <c>traceparent</c>.</returns>
    public static bool TryExtract(IReadOnlyDictionary<string, JsonElement> metadata, out ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        context = default;
        if (!metadata.TryGetValue(TraceParentKey, out var parent) || parent.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var state = metadata.TryGetValue(TraceStateKey, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return ActivityContext.TryParse(parent.GetString(), state, isRemote: true, out context);
    }

    /// <summary>Returns whether <paramref name="metadata"/> carries a <c>traceparent</c>.</summary>
    /// <param name="metadata">The run's metadata.</param>
    /// <returns><see langword="true"/> when the key is present.</returns>
    public static bool HasTraceParent(IReadOnlyDictionary<string, JsonElement> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.ContainsKey(TraceParentKey);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MageFlow.Hatchet.Orchestration.Diagnostics;

/// <summary>MageFlow's activity source and meter with their instruments (static, as <c>System.Diagnostics</c> sources are meant to be).</summary>
internal static class MageFlowTelemetry
{
    /// <summary>The span of one signature's run being started (a producer, parented to where the signature was made).</summary>
    public const string PublishSpan = "mageflow.publish";

    /// <summary>The span of recording a batch of run ends and starting what they queued (callbacks, next steps, swarm items).</summary>
    public const string CallbackSpan = "mageflow.callback";

    /// <summary>The span of adding items to a swarm.</summary>
    public const string SwarmSpan = "mageflow.swarm";

    /// <summary>The span of a root task's body, inside its task run span.</summary>
    public const string RootSpan = "mageflow.root";

    private static readonly string? Version = typeof(MageFlowTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(MageFlowInstrumentation.ActivitySourceName, Version);

    public static readonly Meter Meter = new(MageFlowInstrumentation.MeterName, Version);

    public static readonly Histogram<double> PublishDuration = Meter.CreateHistogram<double>("mageflow.publish.duration", "s", "How long publishing a batch of signatures took: claiming them in Redis and starting their runs.");

    public static readonly Histogram<double> CallbackDuration = Meter.CreateHistogram<double>("mageflow.callback.duration", "s", "How long a batch of run ends took to record and to start what they queued (callbacks, next chain steps, swarm items).");

    public static readonly UpDownCounter<long> SwarmItemsQueued = Meter.CreateUpDownCounter<long>("mageflow.swarm.items.queued", "{item}", "Swarm items added and not yet started (summed over every process that adds or publishes).");

    public static readonly UpDownCounter<long> SwarmItemsRunning = Meter.CreateUpDownCounter<long>("mageflow.swarm.items.running", "{item}", "Swarm items started by this process whose runs have not ended.");

    /// <summary>Records a duration into <paramref name="histogram"/> when anyone listens.</summary>
    public static void RecordSince(Histogram<double> histogram, long startedAt)
    {
        if (histogram.Enabled)
        {
            histogram.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds);
        }
    }

    /// <summary>Starts the span of recording a batch of run ends (reported by this process's <paramref name="source"/>:
    /// its workers or the engine's events) and starting what they queued. It has no parent: it serves many traces, and
    /// each run it starts continues its own signature's trace, linked back to this span.</summary>
    public static Activity? StartCallbackSpan(int ends, string source)
    {
        var span = Source.StartActivity(CallbackSpan, ActivityKind.Internal, parentContext: default);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("mageflow.ends", ends);
            span.SetTag("mageflow.ends.source", source);
        }

        return span;
    }
}

using MageFlow.Hatchet.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MageFlow.Hatchet.Extensions.OpenTelemetry;

/// <summary>
/// Subscribes OpenTelemetry to the Hatchet SDK's and MageFlow's <c>System.Diagnostics</c> sources. The SDK and MageFlow
/// record through the BCL alone; this package only names their sources to the OpenTelemetry builders.
/// </summary>
public static class MageflowInstrumentationExtensions
{
    /// <summary>The activity source and meter of MageFlow.Hatchet.Orchestration. Spelled here rather than referenced, so
    /// that tracing a plain SDK client does not pull in MageFlow and Redis; a test keeps the two spellings equal.</summary>
    internal const string OrchestrationName = "MageFlow.Hatchet.Orchestration";

    /// <summary>Adds the spans of the Hatchet SDK (<c>MageFlow.Hatchet</c>) and of MageFlow
    /// (<c>MageFlow.Hatchet.Orchestration</c>): triggers, task runs, publishes, callbacks, swarms and roots.</summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TracerProviderBuilder AddMageflowInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(HatchetInstrumentation.ActivitySourceName, OrchestrationName);
    }

    /// <summary>Adds the metrics of the Hatchet SDK (<c>MageFlow.Hatchet</c>) and of MageFlow
    /// (<c>MageFlow.Hatchet.Orchestration</c>): runs started, completed and failed, run duration, slots in use, swarm
    /// items queued and running, publish and callback latency.</summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static MeterProviderBuilder AddMageflowInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(HatchetInstrumentation.MeterName, OrchestrationName);
    }
}

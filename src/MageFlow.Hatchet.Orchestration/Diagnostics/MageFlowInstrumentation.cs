namespace MageFlow.Hatchet.Orchestration.Diagnostics;

/// <summary>
/// The names under which MageFlow reports traces and metrics through <c>System.Diagnostics</c>: one
/// <see cref="System.Diagnostics.ActivitySource"/> and one <see cref="System.Diagnostics.Metrics.Meter"/> named after the
/// package, beside the SDK's (<c>MageFlow.Hatchet</c>). <c>AddMageflowInstrumentation()</c> from
/// MageFlow.Hatchet.Extensions.OpenTelemetry subscribes to both.
/// </summary>
public static class MageFlowInstrumentation
{
    /// <summary>The name of MageFlow's activity source: <c>MageFlow.Hatchet.Orchestration</c>.</summary>
    public const string ActivitySourceName = "MageFlow.Hatchet.Orchestration";

    /// <summary>The name of MageFlow's meter: <c>MageFlow.Hatchet.Orchestration</c>.</summary>
    public const string MeterName = "MageFlow.Hatchet.Orchestration";
}

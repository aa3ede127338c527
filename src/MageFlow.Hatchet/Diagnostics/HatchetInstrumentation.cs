namespace MageFlow.Hatchet.Diagnostics;

/// <summary>
/// The names under which the SDK reports traces and metrics through <c>System.Diagnostics</c>: one
/// <see cref="System.Diagnostics.ActivitySource"/> and one <see cref="System.Diagnostics.Metrics.Meter"/>, both named
/// after the package. Nothing is recorded until a listener subscribes (OpenTelemetry's <c>AddSource</c> and
/// <c>AddMeter</c>, or <c>AddMageflowInstrumentation()</c> from MageFlow.Hatchet.Extensions.OpenTelemetry).
/// </summary>
public static class HatchetInstrumentation
{
    /// <summary>The name of the SDK's activity source: <c>MageFlow.Hatchet</c>.</summary>
    public const string ActivitySourceName = "MageFlow.Hatchet";

    /// <summary>The name of the SDK's meter: <c>MageFlow.Hatchet</c>.</summary>
    public const string MeterName = "MageFlow.Hatchet";
}

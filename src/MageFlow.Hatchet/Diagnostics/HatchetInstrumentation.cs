using System.Diagnostics;

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

    /// <summary>Marks a span failed with its exception, as the SDK marks its own and as the messaging conventions ask:
    /// status <c>Error</c> with the message, <c>error.type</c>, and an exception event. Layers on top of the SDK (MageFlow)
    /// use it so that every failed span reads the same.</summary>
    /// <param name="activity">The span, or <see langword="null"/> when nothing listens.</param>
    /// <param name="error">The failure.</param>
    public static void MarkFailed(Activity? activity, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", error.GetType().FullName);
        activity.AddException(error);
    }
}

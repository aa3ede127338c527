using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MageFlow.Hatchet.Diagnostics;

/// <summary>
/// The SDK's activity source and meter with their instruments. Static, as <c>System.Diagnostics</c> sources are meant
/// to be: a listener subscribes by name, and a source nobody listens to costs a null check per call.
/// </summary>
internal static class HatchetTelemetry
{
    /// <summary>The span of a trigger call: one run (as the official instrumentors name it) or a bulk of runs.</summary>
    public const string TriggerSpan = "hatchet.run_workflow";

    /// <summary>The span of a bulk trigger call.</summary>
    public const string BulkTriggerSpan = "hatchet.run_workflows";

    /// <summary>The span of a schedule call.</summary>
    public const string ScheduleSpan = "hatchet.schedule_workflow";

    /// <summary>The span of an event push.</summary>
    public const string PushEventSpan = "hatchet.push_event";

    /// <summary>The span of one task run on a worker.</summary>
    public const string TaskRunSpan = "hatchet.start_step_run";

    private static readonly string? Version = typeof(HatchetTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(HatchetInstrumentation.ActivitySourceName, Version);

    public static readonly Meter Meter = new(HatchetInstrumentation.MeterName, Version);

    public static readonly Counter<long> RunsTriggered = Meter.CreateCounter<long>("hatchet.runs.triggered", "{run}", "Runs this client asked the engine to start.");

    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("hatchet.task.runs.started", "{run}", "Task runs a worker started.");

    public static readonly Counter<long> RunsCompleted = Meter.CreateCounter<long>("hatchet.task.runs.completed", "{run}", "Task runs a worker completed.");

    public static readonly Counter<long> RunsFailed = Meter.CreateCounter<long>("hatchet.task.runs.failed", "{run}", "Task runs that failed on a worker.");

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("hatchet.task.run.duration", "s", "How long task runs took on a worker.");

    public static readonly UpDownCounter<long> SlotsUsed = Meter.CreateUpDownCounter<long>("hatchet.worker.slots.used", "{slot}", "Worker slots taken by running tasks.");

    /// <summary>Starts a producer span for a trigger, schedule or push, with the messaging attributes every such span has.</summary>
    public static Activity? StartProducer(string name, string destination)
    {
        var activity = Source.StartActivity(name, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "hatchet");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.destination.name", destination);
        }

        return activity;
    }

    /// <summary>Marks a span failed with the exception (<see cref="HatchetInstrumentation.MarkFailed"/>).</summary>
    public static void Fail(Activity? activity, Exception error) => HatchetInstrumentation.MarkFailed(activity, error);
}

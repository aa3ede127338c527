using System.Diagnostics;
using MageFlow.Hatchet.Extensions.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// OpenTelemetry for one test: a tracer provider (sampling everything) and a meter provider, both with
/// <c>AddMageflowInstrumentation()</c> and in-memory exporters. Listeners are process-wide, so a test picks its own
/// spans by the trace id of <see cref="StartTest"/>'s span, and its own metrics by its unique task names.
/// </summary>
public sealed class TraceCapture : IDisposable
{
    public const string TestSourceName = "MageFlow.Hatchet.Tests";

    private static readonly ActivitySource TestSource = new(TestSourceName);
    private readonly LockedCollection<Activity> _activities = new();
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly TracerProvider _tracer;
    private readonly MeterProvider _meter;

    public TraceCapture()
    {
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetSampler(new AlwaysOnSampler())
            .AddSource(TestSourceName)
            .AddMageflowInstrumentation()
            .AddInMemoryExporter(_activities)
            .Build()!;
        _meter = Sdk.CreateMeterProviderBuilder()
            .AddMageflowInstrumentation()
            .AddInMemoryExporter(_metrics)
            .Build()!;
    }

    /// <summary>Starts the test's own span: everything the test triggers under it shares its trace id.</summary>
    public static Activity StartTest(string name) => TestSource.StartActivity(name, ActivityKind.Internal) ?? throw new InvalidOperationException("the test source is not listened to");

    /// <summary>The finished spans of <paramref name="traceId"/> so far.</summary>
    public IReadOnlyList<SpanRecord> Spans(ActivityTraceId traceId) =>
        [.. _activities.Snapshot().Where(a => a.TraceId == traceId).Select(SpanRecord.From)];

    /// <summary>Waits until the finished spans of <paramref name="traceId"/> satisfy <paramref name="done"/>; spans end after
    /// the results their runs report, so a test that has its result may not have every span yet.</summary>
    public async Task<IReadOnlyList<SpanRecord>> WaitForSpansAsync(ActivityTraceId traceId, Func<IReadOnlyList<SpanRecord>, bool> done)
    {
        using var cts = new CancellationTokenSource(Timeouts.Wait);
        while (true)
        {
            var spans = Spans(traceId);
            if (done(spans))
            {
                return spans;
            }

            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException("the expected spans did not all end in time; got:\n" + new SpanTree(spans).Render());
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Collects the metrics now and sums the points of <paramref name="name"/> whose tags satisfy <paramref name="match"/>:
    /// a counter's sum, or a histogram's count.</summary>
    public double Sum(string name, Func<IReadOnlyDictionary<string, object?>, bool> match)
    {
        lock (_metrics)
        {
            _metrics.Clear();
            _meter.ForceFlush();
            double total = 0;
            foreach (var metric in _metrics.Where(m => m.Name == name))
            {
                foreach (var point in metric.MetricPoints)
                {
                    var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var tag in point.Tags)
                    {
                        tags[tag.Key] = tag.Value;
                    }

                    if (!match(tags))
                    {
                        continue;
                    }

                    total += metric.MetricType switch
                    {
                        MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                        MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                        MetricType.Histogram => point.GetHistogramCount(),
                        _ => 0,
                    };
                }
            }

            return total;
        }
    }

    public void Dispose()
    {
        _tracer.Dispose();
        _meter.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;

using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Bench;

/// <summary>
/// <c>engine</c>: bulk-triggers no-op runs to a TypeScript SDK worker on the dev engine and measures
/// trigger-to-completion latency, throughput, lost and duplicated runs.
/// </summary>
internal static class EngineBench
{
    public static async Task<int> RunAsync(int runs, int slots)
    {
        await using var engine = await MageFlow.Hatchet.DevEngine.HatchetDevEngine.StartAsync();
        var taskName = "bench-noop";
        await using var worker = NodeWorker.Start(engine.ClientEnvironment, taskName, slots);
        await worker.WaitForAsync("ready", TimeSpan.FromSeconds(60));
        Console.WriteLine($"engine bench: {runs} runs, TypeScript SDK worker with {slots} slots, dev engine at {engine.GrpcAddress}");

        var result = await DriveAsync(engine, taskName, runs);
        var report = await worker.ReportAsync();
        var executions = report.GetProperty("executions").GetInt64();
        var distinct = report.GetProperty("distinct").GetInt64();
        var duplicated = executions - distinct;
        Console.WriteLine(FormattableString.Invariant(
            $"engine: runs={runs} runs_per_s={result.RunsPerSecond:0} p50_ms={result.P50:0.0} p95_ms={result.P95:0.0} lost={result.Lost} duplicated={duplicated}"));
        return result.Lost == 0 && duplicated == 0 ? 0 : 1;
    }

    /// <summary>Bulk-triggers <paramref name="runs"/> runs of <paramref name="workflow"/> and waits for each to finish.</summary>
    public static async Task<DriveResult> DriveAsync(MageFlow.Hatchet.DevEngine.HatchetDevEngine engine, string workflow, int runs)
    {
        using var channel = GrpcChannel.ForAddress(engine.GrpcAddress);
        var auth = new Metadata { { "authorization", "bearer " + engine.Token } };
        var workflows = new WorkflowService.WorkflowServiceClient(channel);
        var dispatcher = new Dispatcher.DispatcherClient(channel);

        var triggeredAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        var finished = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = dispatcher.SubscribeToWorkflowRuns(auth);
        var reader = Task.Run(async () =>
        {
            await foreach (var e in subscription.ResponseStream.ReadAllAsync())
            {
                var now = Stopwatch.GetTimestamp();
                if (finished.AddOrUpdate(e.WorkflowRunId, 1, (_, n) => n + 1) == 1 && triggeredAt.TryGetValue(e.WorkflowRunId, out var t0))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(t0, now).TotalMilliseconds);
                }

                if (finished.Count >= runs)
                {
                    allDone.TrySetResult();
                }
            }
        });

        var start = Stopwatch.GetTimestamp();
        const int chunk = 1000;
        for (var offset = 0; offset < runs; offset += chunk)
        {
            var bulk = new BulkTriggerWorkflowRequest();
            for (var i = offset; i < Math.Min(runs, offset + chunk); i++)
            {
                bulk.Workflows.Add(new TriggerWorkflowRequest { Name = workflow, Input = "{\"i\":" + i.ToString(CultureInfo.InvariantCulture) + "}" });
            }

            var t0 = Stopwatch.GetTimestamp();
            var response = await workflows.BulkTriggerWorkflowAsync(bulk, auth);
            foreach (var id in response.WorkflowRunIds)
            {
                triggeredAt[id] = t0;
            }

            foreach (var id in response.WorkflowRunIds)
            {
                await subscription.RequestStream.WriteAsync(new SubscribeToWorkflowRunsRequest { WorkflowRunId = id });
            }
        }

        await Task.WhenAny(allDone.Task, Task.Delay(TimeSpan.FromMinutes(5)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        await subscription.RequestStream.CompleteAsync();
        var sorted = latencies.Order().ToArray();
        var lost = runs - finished.Count;
        return new DriveResult(
            runs / elapsed.TotalSeconds,
            Percentile(sorted, 0.50),
            Percentile(sorted, 0.95),
            lost,
            finished.Values.Count(n => n > 1));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal sealed record DriveResult(double RunsPerSecond, double P50, double P95, int Lost, int DuplicateFinishedEvents);

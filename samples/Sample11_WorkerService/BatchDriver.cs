using MageFlow.Hatchet.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace MageFlow.Hatchet.Samples.WorkerService;

/// <summary>
/// Plays the part of the application's callers: once the host has started, checks its health, runs one root task with
/// its success callback, waits for the callback, checks what it got, and stops the host.
/// </summary>
internal sealed class BatchDriver(IServiceProvider services, IHostApplicationLifetime lifetime, IConfiguration configuration, BatchCompletion completion, SampleOutcome outcome) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = configuration.GetValue("Sample:Timeout", TimeSpan.FromMinutes(1));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout);
        try
        {
            await WhenStartedAsync(deadline.Token);
            outcome.Start();
            await RunAsync(configuration.GetValue("Sample:Items", 8), deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            outcome.Fail($"the root's success callback did not fire within {timeout}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome.Fail($"the sample failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task RunAsync(int count, CancellationToken cancellationToken)
    {
        var health = await WaitHealthyAsync(cancellationToken);
        outcome.Check(health.Status == HealthStatus.Healthy, $"health checks: {string.Join(", ", health.Entries.Select(e => $"{e.Key} {e.Value.Status}"))}");

        // MageFlow attached when the host started; from here on it is an ordinary singleton.
        var mageflow = services.GetRequiredService<MageFlowClient>();
        var done = await mageflow.SignAsync(Names.BatchDone, cancellationToken: cancellationToken);
        var root = await mageflow.SignAsync(Names.ProcessBatch, successCallbacks: [done], cancellationToken: cancellationToken);
        Console.WriteLine($"Running a root task with {count} children:");
        await root.RunNoWaitAsync(new BatchMessage([.. Enumerable.Range(1, count).Select(i => $"item-{i}")]), cancellationToken);

        var results = await completion.Results.Task.WaitAsync(cancellationToken);
        outcome.Check(results.Count == count, $"the success callback fired with all {count} children's results ({results.Count})");
        outcome.Check(results.All(r => r.Data.StartsWith("ITEM-", StringComparison.Ordinal)), "every child ran its DI handler (upper-cased its item)");
        outcome.Check(results.Select(r => r.Scope).Distinct().Count() == count, "every child run had a DI scope of its own");
    }

    private async Task<HealthReport> WaitHealthyAsync(CancellationToken cancellationToken)
    {
        // The worker's action stream opens just after the host has started.
        var checks = services.GetRequiredService<HealthCheckService>();
        var report = await checks.CheckHealthAsync(cancellationToken);
        for (var i = 0; i < 100 && report.Status != HealthStatus.Healthy; i++)
        {
            await Task.Delay(100, cancellationToken);
            report = await checks.CheckHealthAsync(cancellationToken);
        }

        return report;
    }

    private async Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(cancellationToken);
    }
}

using System.Globalization;
using MageFlow.Hatchet.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>
/// Healthy when every hosted worker is running with its action stream open and the engine accepted a heartbeat within
/// three heartbeat intervals (the engine stops assigning to a worker silent for 5 s). A worker that is not started,
/// paused, stopping, reconnecting or silent makes the check fail.
/// </summary>
internal sealed class HatchetWorkersHealthCheck(IEnumerable<IHostedService> hosted, HatchetRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var workers = hosted.OfType<HatchetWorkerService>().ToList();
        if (workers.Count == 0)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "no hosted Hatchet worker is registered (AddHatchetWorker)"));
        }

        var now = runtime.Client.Options.TimeProvider.GetUtcNow();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var service in workers)
        {
            var problem = ProblemOf(service, now);
            data[service.Name] = problem ?? "listening";
            if (problem is not null)
            {
                problems.Add($"{service.Name}: {problem}");
            }
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{workers.Count} Hatchet worker(s) listening", data)
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", problems), data: data));
    }

    private static string? ProblemOf(HatchetWorkerService service, DateTimeOffset now)
    {
        if (service.Worker is not { } worker)
        {
            return "not started";
        }

        if (worker.State != HatchetWorkerState.Running)
        {
            return worker.State.ToString().ToLowerInvariant();
        }

        if (!worker.IsListening)
        {
            return "not listening (the action stream is reconnecting)";
        }

        var interval = service.StartedOptions?.HeartbeatInterval ?? TimeSpan.FromSeconds(4);
        if (worker.LastHeartbeatAt is { } beat && now - beat > interval * 3)
        {
            return $"no heartbeat accepted since {beat.ToString("O", CultureInfo.InvariantCulture)}";
        }

        return null;
    }
}

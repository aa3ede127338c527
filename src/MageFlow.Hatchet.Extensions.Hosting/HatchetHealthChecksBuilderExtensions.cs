using MageFlow.Hatchet.Extensions.Hosting.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks of hosted Hatchet workers.</summary>
public static class HatchetHealthChecksBuilderExtensions
{
    /// <summary>Adds a check that every hosted worker is connected and listening: running, its action stream open, and a
    /// heartbeat accepted by the engine within three heartbeat intervals. Its data lists each worker's state.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported on failure (default <see cref="HealthStatus.Unhealthy"/>).</param>
    /// <param name="tags">Tags to filter checks by (readiness, liveness).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddHatchetWorkers(this IHealthChecksBuilder builder, string name = "hatchet-workers", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<HatchetWorkersHealthCheck>(name, failureStatus, tags ?? []);
    }
}

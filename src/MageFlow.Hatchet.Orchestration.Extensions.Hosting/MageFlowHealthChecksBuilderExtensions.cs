using MageFlow.Hatchet.Orchestration.Extensions.Hosting.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks of MageFlow.</summary>
public static class MageFlowHealthChecksBuilderExtensions
{
    /// <summary>Adds a check that PINGs MageFlow's Redis (the attached MageFlow's connection, else an
    /// <c>IConnectionMultiplexer</c> in DI).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported on failure (default <see cref="HealthStatus.Unhealthy"/>).</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <param name="timeout">How long the PING may take; <see langword="null"/> for the health check service's default.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddMageFlowRedis(this IHealthChecksBuilder builder, string name = "mageflow-redis", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => new MageFlowRedisHealthCheck(sp), failureStatus, tags, timeout));
    }
}

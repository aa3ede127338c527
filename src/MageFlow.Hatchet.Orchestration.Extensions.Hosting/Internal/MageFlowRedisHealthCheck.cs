using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Extensions.Hosting.Internal;

/// <summary>PINGs the Redis MageFlow uses: the attached MageFlow's connection, else an <see cref="IConnectionMultiplexer"/>
/// registered in DI. Before MageFlow has attached, and with no shared connection, there is nothing to reach: the check fails.</summary>
internal sealed class MageFlowRedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var redis = services.GetService<MageFlowHostedService>()?.Client?.Redis ?? services.GetService<IConnectionMultiplexer>();
        if (redis is null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "MageFlow has not connected to Redis yet (it attaches when the host starts)");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Redis answered PING in {latency.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis did not answer PING", e);
        }
    }
}

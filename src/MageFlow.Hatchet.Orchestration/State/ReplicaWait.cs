using MageFlow.Hatchet.Orchestration.Internal;
using Microsoft.Extensions.Logging;
using Polly;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>
/// <see cref="MageFlowOptions.RedisWaitReplicas"/>: after a state step, waits until that many replicas have every write
/// the connection sent so far (Redis <c>WAIT</c>, which covers fire-and-forget writes too), on the node that holds the
/// step's bucket. WAIT holds that connection for every caller while it waits: the price of the guarantee, paid only
/// when it is asked for. Fewer acknowledgements in time are logged and counted; the step goes on.
/// </summary>
internal sealed class ReplicaWait(IConnectionMultiplexer redis, int replicas, TimeSpan timeout, ResiliencePipeline retry, ILogger? log)
{
    private static readonly System.Diagnostics.Metrics.Counter<long> Shortfalls =
        Diagnostics.MageFlowTelemetry.Meter.CreateCounter<long>("mageflow.redis.wait_shortfalls", "{step}", "MageFlow steps that fewer replicas than RedisWaitReplicas acknowledged within RedisWaitTimeout.");

    private readonly long _timeoutMs = (long)timeout.TotalMilliseconds;

    /// <summary>Waits for the replicas of the node that owns <paramref name="routingKey"/>.</summary>
    public async Task WaitAsync(RedisKey routingKey, CancellationToken cancellationToken)
    {
        var endpoint = await redis.GetDatabase().IdentifyEndpointAsync(routingKey).ConfigureAwait(false);
        var server = endpoint is null ? null : redis.GetServer(endpoint);
        var acknowledged = server is null
            ? 0L
            : (long)await retry.ExecuteAsync(async ct => await server.ExecuteAsync("WAIT", replicas, _timeoutMs).WaitAsync(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (acknowledged < replicas)
        {
            Shortfalls.Add(1);
            if (log is not null)
            {
                MageFlowLog.ReplicaWaitShortfall(log, acknowledged, replicas, _timeoutMs);
            }
        }
    }
}

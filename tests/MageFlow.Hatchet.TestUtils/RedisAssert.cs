using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.State;
using StackExchange.Redis;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>Assertions on MageFlow's Redis state.</summary>
public static class RedisAssert
{
    /// <summary>
    /// Asserts that, once a flow has finished, Redis is "clean": every key under <c>{prefix}:*</c> and every slot bucket's
    /// <c>{prefix:&lt;bucket&gt;}:*</c> (on every primary of a cluster) carries a
    /// TTL no longer than <paramref name="doneTtl"/>, as Python MageFlow's tests assert.
    /// Excluded on purpose are the two infrastructure keys that outlive any single flow:
    /// <c>{prefix}:registry</c> (the task registry written at attach time, which must persist so tasks stay
    /// signable), <c>{prefix}:owners</c> (the owner leases of live MageFlow processes, renewed every sweep) and
    /// <c>{prefix}:buckets</c> (the slot buckets that ever held state, which the sweeper visits).
    /// The tracker records a run's completion asynchronously, just after the engine reports it, so this
    /// waits (polling with short delays, up to 10 s) for the state to become clean rather than asserting instantly.
    /// </summary>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="prefix">The MageFlow key prefix (<see cref="MageFlowOptions.KeyPrefix"/>, without braces).</param>
    /// <param name="doneTtl">The done-TTL.</param>
    /// <param name="ignore">Keys a test deliberately corrupted (and so cannot be cleaned up by MageFlow).</param>
    public static async Task AssertRedisCleanAsync(IConnectionMultiplexer redis, string prefix, TimeSpan doneTtl, Func<string, bool>? ignore = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var keys = new RedisKeys(prefix);
        var tagged = keys.Prefix;
        var excluded = new HashSet<string>(StringComparer.Ordinal) { keys.Registry, keys.Owners, keys.Buckets };
        var db = redis.GetDatabase();
        var limit = Math.Ceiling(doneTtl.TotalSeconds);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<string> offenders;
        while (true)
        {
            offenders = [];
            await foreach (var key in KeysAsync(redis, db.Database, prefix))
            {
                var name = (string)key!;
                if (excluded.Contains(name) || (ignore?.Invoke(name) ?? false))
                {
                    continue;
                }

                var ttl = await db.KeyTimeToLiveAsync(key);
                if (ttl is null)
                {
                    if (await db.KeyExistsAsync(key))
                    {
                        offenders.Add($"{name} ({await db.KeyTypeAsync(key)}, no TTL)");
                    }
                }
                else if (ttl.Value.TotalSeconds > limit)
                {
                    offenders.Add($"{name} ({await db.KeyTypeAsync(key)}, TTL {ttl.Value.TotalSeconds:0} s){await SampleAsync(db, key)}");
                }
            }

            if (offenders.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(offenders.Count == 0, $"Redis is not clean under {tagged}: {offenders.Count} key(s) live longer than the done-TTL of {limit} s:\n  " + string.Join("\n  ", offenders));
    }

    /// <summary>Every key of a prefix, legacy and bucketed, on every primary (one node, or each master of a cluster).</summary>
    public static async IAsyncEnumerable<RedisKey> KeysAsync(IConnectionMultiplexer redis, int database, string prefix)
    {
        ArgumentNullException.ThrowIfNull(redis);
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            foreach (var pattern in new[] { "{" + prefix + "}:*", "{" + prefix + ":*}:*" })
            {
                await foreach (var key in server.KeysAsync(database, pattern, pageSize: 1000))
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary>A few fields of a hash that outlives its TTL, so that a failure says which record stayed and why.</summary>
    private static async Task<string> SampleAsync(IDatabase db, RedisKey key)
    {
        if (await db.KeyTypeAsync(key) != RedisType.Hash)
        {
            return string.Empty;
        }

        var fields = await db.HashGetAllAsync(key);
        return " {" + string.Join(", ", fields.Take(6).Select(f => $"{f.Name}={Truncate(f.Value!)}")) + (fields.Length > 6 ? ", ..." : string.Empty) + "}";
    }

    private static string Truncate(string value) => value.Length > 80 ? value[..80] + "..." : value;
}

using StackExchange.Redis;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// Simulates Redis coming back without its latest writes (a restart with AOF <c>everysec</c>, a failover to a lagging
/// replica): <see cref="MarkAsync"/> captures every key under a MageFlow prefix (DUMP with its TTL), and
/// <see cref="RollBackAsync"/> later puts back exactly that state, dropping whatever was written in between.
/// </summary>
public sealed class LostWrites
{
    private readonly IDatabase _db;
    private readonly string _pattern;
    private readonly List<(RedisKey Key, byte[] Dump, TimeSpan? Ttl)> _keys;

    private LostWrites(IDatabase db, string pattern, List<(RedisKey, byte[], TimeSpan?)> keys) => (_db, _pattern, _keys) = (db, pattern, keys);

    /// <summary>Gets how many keys the mark captured.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>Captures the state under <paramref name="prefix"/> (every hash tag that starts with it).</summary>
    public static async Task<LostWrites> MarkAsync(IConnectionMultiplexer redis, string prefix)
    {
        var db = redis.GetDatabase();
        var pattern = "{" + prefix + "*";
        var keys = new List<(RedisKey, byte[], TimeSpan?)>();
        foreach (var key in KeysOf(redis, pattern))
        {
            var dump = await db.KeyDumpAsync(key);
            if (dump is not null)
            {
                keys.Add((key, dump, await db.KeyTimeToLiveAsync(key)));
            }
        }

        return new LostWrites(db, pattern, keys);
    }

    /// <summary>Puts back the captured state: keys written since are deleted, captured ones restored as they were.</summary>
    public async Task RollBackAsync()
    {
        foreach (var key in KeysOf(_db.Multiplexer, _pattern))
        {
            await _db.KeyDeleteAsync(key);
        }

        foreach (var (key, dump, ttl) in _keys)
        {
            await _db.KeyRestoreAsync(key, dump, ttl);
        }
    }

    private static List<RedisKey> KeysOf(IConnectionMultiplexer redis, string pattern) =>
        [.. redis.GetServers().Where(s => !s.IsReplica).SelectMany(s => s.Keys(pattern: pattern, pageSize: 1000))];
}

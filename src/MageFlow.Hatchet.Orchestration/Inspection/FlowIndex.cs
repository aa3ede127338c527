using MageFlow.Hatchet.Orchestration.State;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Inspection;

/// <summary>
/// The top-level flows of every slot bucket as one list, newest first: each bucket keeps its own flows index, and a
/// page is merged from the first entries of each (read at once, pipelined).
/// </summary>
internal sealed class FlowIndex(ScriptRunner runner)
{
    /// <summary>How many flows the indexes hold.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var buckets = await runner.BucketsAsync(cancellationToken).ConfigureAwait(false);
        var counts = await Task.WhenAll(buckets.Select(b => runner.DoAsync(db => db.SortedSetLengthAsync(RedisKeys.Flows(b)), cancellationToken))).ConfigureAwait(false);
        return (int)counts.Sum();
    }

    /// <summary>The flows at positions <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/> - 1, newest first
    /// (ties in the order ZREVRANGE gives them: by id, descending).</summary>
    public async Task<string[]> RangeAsync(int offset, int count, CancellationToken cancellationToken)
    {
        var buckets = await runner.BucketsAsync(cancellationToken).ConfigureAwait(false);
        var stop = offset + count - 1;
        var parts = await Task.WhenAll(buckets.Select(b => runner.DoAsync(db => db.SortedSetRangeByRankWithScoresAsync(RedisKeys.Flows(b), 0, stop, Order.Descending), cancellationToken))).ConfigureAwait(false);
        return [.. parts.SelectMany(p => p)
            .OrderByDescending(e => e.Score)
            .ThenByDescending(e => (string?)e.Element, StringComparer.Ordinal)
            .Skip(offset)
            .Take(count)
            .Select(e => (string)e.Element!)];
    }

    /// <summary>Drops flows whose records have expired from their buckets' indexes.</summary>
    public void Remove(IEnumerable<string> ids)
    {
        foreach (var group in ids.GroupBy(runner.Keys.PrefixOf, StringComparer.Ordinal))
        {
            _ = runner.Database.SortedSetRemoveAsync(RedisKeys.Flows(group.Key), [.. group.Select(id => (RedisValue)id)], CommandFlags.FireAndForget);
        }
    }
}

using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary>
/// Owner leases and takeover. The lease renewal and the list of dead owners use the global lease set (plain commands);
/// <c>takeover.lua</c> then moves the runs dead owners followed to this owner, one call per slot bucket (each bucket
/// keeps its own record of an owner's runs); a dead owner leaves the lease set only after every bucket is done, so a
/// takeover cut short is finished by the next sweep (every step is idempotent).
/// </summary>
internal sealed class OwnersScript(ScriptRunner runner)
{
    /// <returns>The (run id, signature id) pairs taken over: follow them.</returns>
    public async Task<IReadOnlyList<(string RunId, string SignatureId)>> RunAsync(string owner, DateTimeOffset deadOwnersBefore, CancellationToken cancellationToken)
    {
        var keys = runner.Keys;
        var dead = await runner.DoAsync(
            async db =>
            {
                var batch = db.CreateBatch();
                var beat = batch.SortedSetAddAsync(keys.Owners, owner, runner.Time.GetUtcNow().ToUnixTimeMilliseconds());
                var expire = batch.KeyExpireAsync(keys.Owners, TimeSpan.FromSeconds(300));
                var stale = batch.SortedSetRangeByScoreAsync(keys.Owners, double.NegativeInfinity, deadOwnersBefore.ToUnixTimeMilliseconds(), Exclude.Stop);
                batch.Execute();
                await Task.WhenAll(beat, expire).ConfigureAwait(false);
                return await stale.ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        var others = dead.Where(d => (string?)d != owner).ToArray();
        if (others.Length == 0)
        {
            return [];
        }

        RedisValue[] args = [owner, .. others];
        var taken = new List<(string, string)>();
        foreach (var bucket in await runner.BucketsAsync(cancellationToken).ConfigureAwait(false))
        {
            var reader = new ResultReader((RedisResult[])(await runner.EvalAsync(bucket, "takeover", args, cancellationToken).ConfigureAwait(false))!);
            while (reader.HasMore)
            {
                taken.Add((reader.String(), reader.String()));
            }
        }

        await runner.DoAsync(db => db.SortedSetRemoveAsync(keys.Owners, others), cancellationToken).ConfigureAwait(false);
        return taken;
    }
}

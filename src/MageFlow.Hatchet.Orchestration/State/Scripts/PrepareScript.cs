using System.Globalization;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>prepare_many.lua</c>: claims queued signatures for publishing in one step per slot bucket.</summary>
internal sealed class PrepareScript(ScriptRunner runner)
{
    /// <param name="ids">The signatures.</param>
    /// <param name="claimTimeout">How long a claim holds off other publishers.</param>
    /// <param name="adopter">The owner that adopts runs nobody follows (the sweeper), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One entry per id, grouped by bucket (in the order of the ids within each bucket).</returns>
    public async Task<IReadOnlyList<PublishEntry>> RunAsync(IReadOnlyCollection<string> ids, TimeSpan claimTimeout, string? adopter, CancellationToken cancellationToken)
    {
        var list = ids as IReadOnlyList<string> ?? [.. ids];
        var groups = BucketGroups.Of(list, id => id, runner.Keys);
        if (groups.Count == 1)
        {
            return await RunInBucketAsync(groups[0].Prefix, list, claimTimeout, adopter, cancellationToken).ConfigureAwait(false);
        }

        var parts = await Task.WhenAll(groups.Select(g => RunInBucketAsync(g.Prefix, [.. g.Positions.Select(i => list[i])], claimTimeout, adopter, cancellationToken))).ConfigureAwait(false);
        return [.. parts.SelectMany(p => p)];
    }

    private async Task<IReadOnlyList<PublishEntry>> RunInBucketAsync(string prefix, IReadOnlyList<string> ids, TimeSpan claimTimeout, string? adopter, CancellationToken cancellationToken)
    {
        var args = new RedisValue[ids.Count + 3];
        args[0] = ((long)claimTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        args[1] = adopter ?? string.Empty;

        // One id per call, the same for the runner's retries: a retry after a lost reply gets its claims back.
        args[2] = Guid.NewGuid().ToString("N");
        for (var i = 0; i < ids.Count; i++)
        {
            args[i + 3] = ids[i];
        }

        var reader = new ResultReader((RedisResult[])(await runner.EvalAsync(prefix, "prepare_many", args, cancellationToken).ConfigureAwait(false))!);
        var entries = new List<PublishEntry>(ids.Count);
        while (reader.HasMore)
        {
            entries.Add(PublishEntry.Read(ref reader));
        }

        return entries;
    }
}

using System.Globalization;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>mark_many.lua</c>: records that an owner follows published runs through the engine's events (one call
/// per slot bucket: each bucket keeps its own record of the owner's runs).</summary>
internal sealed class MarkFollowedScript(ScriptRunner runner)
{
    /// <summary>A run to follow.</summary>
    /// <param name="SignatureId">The signature.</param>
    /// <param name="RunId">Its run.</param>
    /// <param name="InputJson">The input it was started with (error callbacks receive it).</param>
    public sealed record Run(string SignatureId, string RunId, string InputJson);

    public async Task RunAsync(string owner, TimeSpan recordTtl, IReadOnlyList<Run> runs, CancellationToken cancellationToken)
    {
        var groups = BucketGroups.Of(runs, r => r.SignatureId, runner.Keys);
        await Task.WhenAll(groups.Select(g => RunInBucketAsync(g.Prefix, owner, recordTtl, g.Positions.Count == runs.Count ? runs : [.. g.Positions.Select(i => runs[i])], cancellationToken))).ConfigureAwait(false);
    }

    private Task<RedisResult> RunInBucketAsync(string prefix, string owner, TimeSpan recordTtl, IReadOnlyList<Run> runs, CancellationToken cancellationToken)
    {
        var args = new RedisValue[2 + (runs.Count * 3)];
        args[0] = owner;
        args[1] = ((long)Math.Ceiling(recordTtl.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < runs.Count; i++)
        {
            args[2 + (i * 3)] = runs[i].SignatureId;
            args[3 + (i * 3)] = runs[i].RunId;
            args[4 + (i * 3)] = runs[i].InputJson;
        }

        return runner.EvalAsync(prefix, "mark_many", args, cancellationToken);
    }
}

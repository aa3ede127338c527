using System.Globalization;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>on_finished.lua</c>: records the ends of runs and claims what they queue, in one step per slot bucket.</summary>
internal sealed class OnFinishedScript(ScriptRunner runner)
{
    /// <summary>Who reports the ends.</summary>
    public enum Source
    {
        /// <summary>A tracker saw the engine's run event.</summary>
        Engine,

        /// <summary>The C# worker that ran the signature's task.</summary>
        Worker,

        /// <summary>The reconciler, from the engine's record of a run that Redis still believes is running.</summary>
        Reconcile,
    }

    /// <summary>One run's end.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="SignatureId">Its signature.</param>
    /// <param name="Succeeded">Whether it succeeded.</param>
    /// <param name="Value">The result (JSON) or the error.</param>
    public sealed record End(string RunId, string SignatureId, bool Succeeded, string Value);

    /// <summary>What the report did.</summary>
    /// <param name="FirstStatus">For the first run: 'ok', 'dup', 'untracked', 'stale', 'held', 'missing' or 'error'.</param>
    /// <param name="Claimed">Signatures it queued and claimed: publish them.</param>
    /// <param name="Errors">Flows whose state is corrupted, as 'error:&lt;id&gt;:&lt;reason&gt;'.</param>
    /// <param name="RunsToCancel">Runs of a stopping swarm to cancel through the engine.</param>
    public sealed record Outcome(string FirstStatus, IReadOnlyList<PublishEntry> Claimed, IReadOnlyList<string> Errors, IReadOnlyList<string> RunsToCancel);

    public async Task<Outcome> RunAsync(string owner, TimeSpan claimTimeout, Source source, IReadOnlyList<End> ends, CancellationToken cancellationToken)
    {
        var groups = BucketGroups.Of(ends, e => e.SignatureId, runner.Keys);
        if (groups.Count == 1)
        {
            return await RunInBucketAsync(groups[0].Prefix, owner, claimTimeout, source, ends, cancellationToken).ConfigureAwait(false);
        }

        // The first group holds the first end, first: its status is the batch's first status.
        var parts = await Task.WhenAll(groups.Select(g => RunInBucketAsync(g.Prefix, owner, claimTimeout, source, [.. g.Positions.Select(i => ends[i])], cancellationToken))).ConfigureAwait(false);
        return new Outcome(parts[0].FirstStatus, [.. parts.SelectMany(p => p.Claimed)], [.. parts.SelectMany(p => p.Errors)], [.. parts.SelectMany(p => p.RunsToCancel)]);
    }

    private async Task<Outcome> RunInBucketAsync(string prefix, string owner, TimeSpan claimTimeout, Source source, IReadOnlyList<End> ends, CancellationToken cancellationToken)
    {
        var args = new RedisValue[4 + (ends.Count * 4)];
        args[0] = owner;
        args[1] = ((long)claimTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        args[2] = source switch
        {
            Source.Worker => "worker",
            Source.Reconcile => "reconcile",
            _ => "engine",
        };

        // One id per call, the same for the runner's retries: a retry after a lost reply gets its claims back.
        args[3] = Guid.NewGuid().ToString("N");
        for (var i = 0; i < ends.Count; i++)
        {
            args[4 + (i * 4)] = ends[i].RunId;
            args[5 + (i * 4)] = ends[i].SignatureId;
            args[6 + (i * 4)] = ends[i].Succeeded ? "1" : "0";
            args[7 + (i * 4)] = ends[i].Value;
        }

        var reader = new ResultReader((RedisResult[])(await runner.EvalAsync(prefix, "on_finished", args, cancellationToken).ConfigureAwait(false))!);
        var first = reader.String();
        var count = reader.Int();
        var claimed = new List<PublishEntry>(count);
        for (var i = 0; i < count; i++)
        {
            claimed.Add(PublishEntry.Read(ref reader));
        }

        var errors = new List<string>();
        var cancel = new List<string>();
        while (reader.HasMore)
        {
            var value = reader.String();
            if (value.StartsWith("cancel:", StringComparison.Ordinal))
            {
                cancel.Add(value[7..]);
            }
            else
            {
                errors.Add(value);
            }
        }

        return new Outcome(first, claimed, errors, cancel);
    }
}

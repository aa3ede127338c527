using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>start_many.lua</c>: workers are about to run signatures' tasks; concurrent starts share one call per slot bucket.</summary>
internal sealed class StartScript(ScriptRunner runner)
{
    /// <summary>A task run about to start.</summary>
    public sealed record Start(string SignatureId, string RunId, string WorkflowName, string InputJson);

    /// <returns>One status per start, in order: 'ok', 'missing', 'duplicate', 'foreign', a status that holds it back or a
    /// final one, or 'corrupt:&lt;reason&gt;' (start_many.lua explains each).</returns>
    public async Task<IReadOnlyList<string>> RunAsync(IReadOnlyList<Start> starts, CancellationToken cancellationToken)
    {
        var statuses = new string[starts.Count];
        var groups = BucketGroups.Of(starts, s => s.SignatureId, runner.Keys);
        await Task.WhenAll(groups.Select(async g =>
        {
            var got = await RunInBucketAsync(g.Prefix, [.. g.Positions.Select(i => starts[i])], cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < got.Length; i++)
            {
                statuses[g.Positions[i]] = got[i];
            }
        })).ConfigureAwait(false);
        return statuses;
    }

    private async Task<string[]> RunInBucketAsync(string prefix, IReadOnlyList<Start> starts, CancellationToken cancellationToken)
    {
        var args = new RedisValue[starts.Count * 4];
        for (var i = 0; i < starts.Count; i++)
        {
            args[i * 4] = starts[i].SignatureId;
            args[(i * 4) + 1] = starts[i].RunId;
            args[(i * 4) + 2] = starts[i].WorkflowName;
            args[(i * 4) + 3] = starts[i].InputJson;
        }

        var reader = new ResultReader((RedisResult[])(await runner.EvalAsync(prefix, "start_many", args, cancellationToken).ConfigureAwait(false))!);
        var statuses = new string[starts.Count];
        for (var i = 0; i < statuses.Length; i++)
        {
            statuses[i] = reader.String();
        }

        return statuses;
    }
}

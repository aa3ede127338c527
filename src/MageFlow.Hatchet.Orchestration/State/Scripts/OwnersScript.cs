using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>owners.lua</c>: renews this process's lease and takes over the followed runs of dead owners.</summary>
internal sealed class OwnersScript(ScriptRunner runner)
{
    /// <returns>The (run id, signature id) pairs taken over: follow them.</returns>
    public async Task<IReadOnlyList<(string RunId, string SignatureId)>> RunAsync(string owner, DateTimeOffset deadOwnersBefore, CancellationToken cancellationToken)
    {
        var reader = new ResultReader((RedisResult[])(await runner.EvalAsync("owners", [owner, deadOwnersBefore.ToUnixTimeMilliseconds()], cancellationToken).ConfigureAwait(false))!);
        var taken = new List<(string, string)>();
        while (reader.HasMore)
        {
            taken.Add((reader.String(), reader.String()));
        }

        return taken;
    }
}

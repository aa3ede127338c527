using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>swarm_add.lua</c>: adds items (each with its own message) to a swarm in one step.</summary>
internal sealed class SwarmAddScript(ScriptRunner runner)
{
    /// <returns>'ok', or why nothing was added: 'missing', 'notswarm', 'canceled', 'closed', 'full:&lt;max&gt;',
    /// 'missing:&lt;item&gt;', 'owned:&lt;item&gt;:&lt;container&gt;'; and what to publish.</returns>
    public async Task<ScriptReply> RunAsync(string swarmId, IReadOnlyList<(string ItemId, string Message)> items, CancellationToken cancellationToken)
    {
        var args = new RedisValue[1 + (items.Count * 2)];
        args[0] = swarmId;
        for (var i = 0; i < items.Count; i++)
        {
            args[1 + (i * 2)] = items[i].ItemId;
            args[2 + (i * 2)] = items[i].Message;
        }

        return ScriptReply.Read(await runner.EvalAsync("swarm_add", args, cancellationToken).ConfigureAwait(false));
    }
}

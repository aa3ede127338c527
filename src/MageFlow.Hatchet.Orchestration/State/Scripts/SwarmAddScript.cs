using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>swarm_add.lua</c>: adds items (each with its own message) to a swarm in one step.</summary>
internal sealed class SwarmAddScript(ScriptRunner runner)
{
    /// <param name="swarmId">The swarm.</param>
    /// <param name="items">Each item with its own message.</param>
    /// <param name="cancelIfStopped">Cancel the items when the swarm has stopped (a root body publishing late) instead of
    /// leaving them pending.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>'ok', or why nothing was added: 'missing', 'notswarm', 'canceled', 'closed', 'full:&lt;max&gt;',
    /// 'missing:&lt;item&gt;', 'owned:&lt;item&gt;:&lt;container&gt;'; and what to publish.</returns>
    public async Task<ScriptReply> RunAsync(string swarmId, IReadOnlyList<(string ItemId, string Message)> items, bool cancelIfStopped, CancellationToken cancellationToken)
    {
        var args = new RedisValue[2 + (items.Count * 2)];
        args[0] = swarmId;
        args[1] = cancelIfStopped ? "1" : "0";
        for (var i = 0; i < items.Count; i++)
        {
            args[2 + (i * 2)] = items[i].ItemId;
            args[3 + (i * 2)] = items[i].Message;
        }

        return ScriptReply.Read(await runner.EvalAsync(runner.Keys.PrefixOf(swarmId), "swarm_add", args, cancellationToken).ConfigureAwait(false));
    }
}

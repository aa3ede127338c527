namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>swarm_close.lua</c>: closes a swarm (no more items); it finishes once every item has.</summary>
internal sealed class SwarmCloseScript(ScriptRunner runner)
{
    /// <returns>'ok' or 'missing'; and what to publish (the swarm's callbacks, when it just finished).</returns>
    public async Task<ScriptReply> RunAsync(string swarmId, CancellationToken cancellationToken) =>
        ScriptReply.Read(await runner.EvalAsync(runner.Keys.PrefixOf(swarmId), "swarm_close", [swarmId], cancellationToken).ConfigureAwait(false));
}

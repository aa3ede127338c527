namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>root_end.lua</c>: a root body ended: its swarm closes (returned) or stops (failed for good).</summary>
internal sealed class RootEndScript(ScriptRunner runner)
{
    public async Task<ScriptReply> RunAsync(string swarmId, bool returned, string error, CancellationToken cancellationToken) =>
        ScriptReply.Read(await runner.EvalAsync(runner.Keys.PrefixOf(swarmId), "root_end", [swarmId, returned ? "1" : "0", error], cancellationToken).ConfigureAwait(false));
}

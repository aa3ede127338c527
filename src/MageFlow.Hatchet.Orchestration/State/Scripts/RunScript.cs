using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>run.lua</c>: starts a signature with a message. A task is queued for publishing; a chain queues its
/// first step; a swarm fills its slots.</summary>
internal sealed class RunScript(ScriptRunner runner)
{
    /// <param name="id">The signature id.</param>
    /// <param name="messageJson">The message.</param>
    /// <param name="contained">Whether a container is started as an item of another container (by the publisher).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>'ok' or 'started' (already started: a replayed body), else 'missing', 'final:&lt;status&gt;' or
    /// 'contained:&lt;container id&gt;'; and what to publish.</returns>
    public async Task<ScriptReply> RunAsync(string id, string messageJson, bool contained, CancellationToken cancellationToken) =>
        ScriptReply.Read(await runner.EvalAsync(runner.Keys.PrefixOf(id), "run", [id, messageJson, contained ? "1" : "0"], cancellationToken).ConfigureAwait(false));
}

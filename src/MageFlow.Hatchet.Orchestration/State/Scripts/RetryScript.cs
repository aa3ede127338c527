namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>retry.lua</c>: puts a failed task signature that no container counts back to pending and queues it again.</summary>
internal sealed class RetryScript(ScriptRunner runner)
{
    /// <param name="id">The signature.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>'ok', or 'missing', 'not-task:&lt;kind&gt;', 'not-failed:&lt;status&gt;', 'contained:&lt;container&gt;' or
    /// 'root:&lt;root swarm&gt;'; what to publish.</returns>
    public async Task<ScriptReply> RunAsync(string id, CancellationToken cancellationToken) =>
        ScriptReply.Read(await runner.EvalAsync(runner.Keys.PrefixOf(id), "retry", [id], cancellationToken).ConfigureAwait(false));
}

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>publish_failed.lua</c>: the engine refused a signature's run for good; the signature fails.</summary>
internal sealed class PublishFailedScript(ScriptRunner runner)
{
    public async Task<ScriptReply> RunAsync(string id, string error, CancellationToken cancellationToken) =>
        ScriptReply.Read(await runner.EvalAsync(runner.Keys.PrefixOf(id), "publish_failed", [id, error], cancellationToken).ConfigureAwait(false));
}

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>lifecycle.lua</c>: suspends, interrupts, resumes or cancels a signature and everything it contains (a root
/// task's whole flow for a root signature).</summary>
internal sealed class LifecycleScript(ScriptRunner runner)
{
    /// <param name="id">The signature.</param>
    /// <param name="operation">suspend, interrupt, resume or cancel.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>'ok' or 'missing'; what to publish (held work a resume releases); the runs to cancel.</returns>
    public async Task<ScriptReply> RunAsync(string id, string operation, CancellationToken cancellationToken) =>
        ScriptReply.Read(await runner.EvalAsync(runner.Keys.PrefixOf(id), "lifecycle", [id, operation], cancellationToken).ConfigureAwait(false));
}

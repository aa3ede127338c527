using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>lifecycle.lua</c>: suspends, interrupts, resumes or cancels a signature and everything it contains.</summary>
internal sealed class LifecycleScript(ScriptRunner runner)
{
    /// <summary>The outcome of a lifecycle step.</summary>
    /// <param name="Status">'ok' or 'missing'.</param>
    /// <param name="Queued">What to publish (held work a resume releases).</param>
    /// <param name="RunsToCancel">Engine runs to cancel (interrupted or cancelled running tasks).</param>
    public sealed record Outcome(string Status, IReadOnlyList<string> Queued, IReadOnlyList<string> RunsToCancel);

    public async Task<Outcome> RunAsync(string id, string operation, CancellationToken cancellationToken)
    {
        var reply = ScriptReply.Read(await runner.EvalAsync("lifecycle", [id, operation], cancellationToken).ConfigureAwait(false));
        var values = reply.Queued;
        var split = -1;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] == "|")
            {
                split = i;
                break;
            }
        }

        return split < 0
            ? new Outcome(reply.Status, values, [])
            : new Outcome(reply.Status, values.Take(split).ToArray(), values.Skip(split + 1).ToArray());
    }
}

using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>root_begin.lua</c>: creates a root task's swarm (once: a retried root finds it again) and moves the root
/// signature's callbacks and container membership to it; a plain run of a root task gets a signature of its own.</summary>
internal sealed class RootBeginScript(ScriptRunner runner)
{
    /// <summary>Runs the script.</summary>
    /// <param name="swarmId">The root swarm.</param>
    /// <param name="rootSignatureId">The root task's signature (its own, or the one a plain run gets).</param>
    /// <param name="swarm">The root swarm's record.</param>
    /// <param name="plainRun">For a plain run: the signature to create under <paramref name="rootSignatureId"/> when none
    /// exists, the engine run it stands for and that run's input (the root swarm's error callbacks receive it).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when created, <see langword="false"/> when it existed.</returns>
    public async Task<bool> RunAsync(string swarmId, string? rootSignatureId, SwarmRecord swarm, (SignatureRecord Record, string RunId, string InputJson)? plainRun, CancellationToken cancellationToken)
    {
        var fields = swarm.ToFields();
        var args = new List<RedisValue>(fields.Count + 24) { swarmId, rootSignatureId ?? string.Empty, fields.Count };
        args.AddRange(fields);
        if (plainRun is { } plain)
        {
            args.AddRange(plain.Record.ToFields(withKwargs: false));
            args.Add(Fields.Run);
            args.Add(plain.RunId);
            args.Add(Fields.Input);
            args.Add(plain.InputJson);
        }

        var reply = (RedisResult[])(await runner.EvalAsync(runner.Keys.PrefixOf(swarmId), "root_begin", [.. args], cancellationToken).ConfigureAwait(false))!;
        return (string?)reply[0] == "created";
    }
}

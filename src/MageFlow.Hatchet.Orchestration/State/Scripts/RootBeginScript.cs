using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>root_begin.lua</c>: creates a root task's swarm (once: a retried root finds it again) and moves the root
/// signature's callbacks and container membership to it.</summary>
internal sealed class RootBeginScript(ScriptRunner runner)
{
    /// <returns><see langword="true"/> when created, <see langword="false"/> when it existed.</returns>
    public async Task<bool> RunAsync(string swarmId, string? rootSignatureId, SwarmRecord swarm, CancellationToken cancellationToken)
    {
        var fields = swarm.ToFields();
        var args = new RedisValue[fields.Count + 2];
        args[0] = swarmId;
        args[1] = rootSignatureId ?? string.Empty;
        fields.CopyTo(args, 2);
        var reply = (RedisResult[])(await runner.EvalAsync("root_begin", args, cancellationToken).ConfigureAwait(false))!;
        return (string?)reply[0] == "created";
    }
}

using System.Globalization;
using MageFlow.Hatchet.Orchestration.Exceptions;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>create.lua</c>: creates one signature unless it exists (a retried task body gets its signatures back);
/// a chain's steps learn their chain.</summary>
internal sealed class CreateScript(ScriptRunner runner)
{
    /// <summary>Creates the signature.</summary>
    /// <returns><see langword="true"/> when created, <see langword="false"/> when it existed.</returns>
    /// <exception cref="MageFlowStateException">A chain step is missing or belongs to another container.</exception>
    public async Task<bool> RunAsync(string id, TimeSpan activeTtl, List<RedisValue> fields, string what, CancellationToken cancellationToken)
    {
        var reader = new ResultReader((RedisResult[])(await runner.EvalAsync(runner.Keys.PrefixOf(id), "create", Args(id, activeTtl, fields), cancellationToken).ConfigureAwait(false))!);
        var created = reader.Int() == 1;
        var error = reader.String();
        if (error.Length > 0)
        {
            var parts = error.Split(':');
            throw new MageFlowStateException(parts[0] switch
            {
                "missing" => $"cannot create {what}: signature {parts[1]} does not exist",
                "owned" => $"cannot create {what}: signature {parts[1]} already belongs to {parts[2]}",
                _ => $"cannot create {what}: {error}",
            }, parts[0]);
        }

        return created;
    }

    /// <summary>Sends the creation without waiting (a task signature cannot fail to be created).</summary>
    public Task SendAsync(string id, TimeSpan activeTtl, List<RedisValue> fields) => runner.EvalAndForgetAsync(runner.Keys.PrefixOf(id), "create", Args(id, activeTtl, fields));

    private static RedisValue[] Args(string id, TimeSpan activeTtl, List<RedisValue> fields)
    {
        var args = new RedisValue[fields.Count + 2];
        args[0] = id;
        args[1] = ((long)Math.Ceiling(activeTtl.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        fields.CopyTo(args, 2);
        return args;
    }
}

using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>create_many.lua</c>: creates many task signatures that share every field but their bound input.</summary>
internal sealed class CreateManyScript(ScriptRunner runner)
{
    /// <param name="fresh">Every id is new (random), so the script skips the existence checks.</param>
    /// <param name="shared">The fields every signature shares, without 'kwargs'.</param>
    /// <param name="signatures">(id, kwargs) of each signature.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>How many were created.</returns>
    public async Task<int> RunAsync(bool fresh, List<RedisValue> shared, IReadOnlyList<(string Id, string Kwargs)> signatures, CancellationToken cancellationToken)
    {
        var args = new List<RedisValue>(2 + shared.Count + (signatures.Count * 2)) { fresh ? "1" : "0", shared.Count };
        args.AddRange(shared);
        foreach (var (id, kwargs) in signatures)
        {
            args.Add(id);
            args.Add(kwargs);
        }

        return (int)await runner.EvalAsync(runner.Keys.PrefixOf(signatures[0].Id), "create_many", [.. args], cancellationToken).ConfigureAwait(false);
    }
}

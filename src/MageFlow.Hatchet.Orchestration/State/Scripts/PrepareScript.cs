using System.Globalization;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary><c>prepare_many.lua</c>: claims queued signatures for publishing in one step.</summary>
internal sealed class PrepareScript(ScriptRunner runner)
{
    /// <param name="ids">The signatures.</param>
    /// <param name="claimTimeout">How long a claim holds off other publishers.</param>
    /// <param name="adopter">The owner that adopts runs nobody follows (the sweeper), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One entry per id, in order.</returns>
    public async Task<IReadOnlyList<PublishEntry>> RunAsync(IReadOnlyCollection<string> ids, TimeSpan claimTimeout, string? adopter, CancellationToken cancellationToken)
    {
        var args = new RedisValue[ids.Count + 3];
        args[0] = ((long)claimTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        args[1] = adopter ?? string.Empty;

        // One id per call, the same for the runner's retries: a retry after a lost reply gets its claims back.
        args[2] = Guid.NewGuid().ToString("N");
        var i = 3;
        foreach (var id in ids)
        {
            args[i++] = id;
        }

        var reader = new ResultReader((RedisResult[])(await runner.EvalAsync("prepare_many", args, cancellationToken).ConfigureAwait(false))!);
        var entries = new List<PublishEntry>(ids.Count);
        while (reader.HasMore)
        {
            entries.Add(PublishEntry.Read(ref reader));
        }

        return entries;
    }
}

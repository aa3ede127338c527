using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary>The reply of a script that ends by queueing signatures: a status, then the ids it queued for publishing.</summary>
/// <param name="Status">'ok', or why nothing was done (each script documents its words).</param>
/// <param name="Queued">The signatures it queued; the caller hands them to the publisher.</param>
internal sealed record ScriptReply(string Status, IReadOnlyList<string> Queued)
{
    public static ScriptReply Read(RedisResult result)
    {
        var reader = new ResultReader((RedisResult[])result!);
        var status = reader.String();
        var queued = new string[reader.Remaining];
        for (var i = 0; i < queued.Length; i++)
        {
            queued[i] = reader.String();
        }

        return new ScriptReply(status, queued);
    }
}

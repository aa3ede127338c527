using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State.Scripts;

/// <summary>The reply of a script that ends through <c>reply()</c> in common.lua: a status, the ids it queued for
/// publishing, and the engine runs it wants cancelled.</summary>
/// <param name="Status">'ok', or why nothing was done (each script documents its words).</param>
/// <param name="Queued">The signatures it queued; the caller hands them to the publisher.</param>
/// <param name="RunsToCancel">Engine runs to cancel (interrupted or cancelled tasks, items of a stopping swarm).</param>
internal sealed record ScriptReply(string Status, IReadOnlyList<string> Queued, IReadOnlyList<string> RunsToCancel)
{
    private const string Separator = "|";

    public static ScriptReply Read(RedisResult result)
    {
        var reader = new ResultReader((RedisResult[])result!);
        var status = reader.String();
        var queued = new List<string>();
        var cancel = new List<string>();
        var target = queued;
        while (reader.HasMore)
        {
            var value = reader.String();
            if (value == Separator && ReferenceEquals(target, queued))
            {
                target = cancel;
                continue;
            }

            target.Add(value);
        }

        return new ScriptReply(status, queued, cancel);
    }
}

using System.Runtime.CompilerServices;

namespace MageFlow.Hatchet.Orchestration.Internal;

/// <summary>Which MageFlow instance is attached to which Hatchet client (one each), so that code holding only a task
/// declaration or a task context reaches MageFlow without carrying an instance around.</summary>
internal static class Attachments
{
    private static readonly ConditionalWeakTable<HatchetClient, MageFlowClient> ByClient = [];

    public static void Add(HatchetClient client, MageFlowClient mageflow)
    {
        if (!ByClient.TryAdd(client, mageflow))
        {
            throw new InvalidOperationException("MageFlow is already attached to this Hatchet client; use that MageFlowClient (or dispose it before attaching again)");
        }
    }

    public static void Remove(HatchetClient client, MageFlowClient mageflow)
    {
        if (ByClient.TryGetValue(client, out var attached) && ReferenceEquals(attached, mageflow))
        {
            ByClient.Remove(client);
        }
    }

    public static MageFlowClient? Find(HatchetClient client) => ByClient.TryGetValue(client, out var mageflow) ? mageflow : null;
}

using System.Security.Cryptography;
using System.Text;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.Internal;

/// <summary>
/// Signature ids: a GUID, then the slot bucket (see <see cref="SignatureBucket"/>). Inside a task body the GUID derives
/// from the task run and the creation order, so a retried body gets the same signatures back and nothing runs twice;
/// elsewhere it is random.
/// </summary>
internal static class SignatureIds
{
    private const string CounterKey = "mageflow.signature-counter";

    /// <summary>A new id in <paramref name="bucket"/>.</summary>
    public static string New(string bucket)
    {
        if (TaskContext.Current is { } ctx)
        {
            var counter = (Counter)ctx.Items.GetOrAdd(CounterKey, static _ => new Counter())!;
            return Derived($"{ctx.TaskRunExternalId}#{Interlocked.Increment(ref counter.Value)}", bucket);
        }

        return SignatureBucket.Join(Guid.NewGuid().ToString(), bucket);
    }

    /// <summary>An id that is a pure function of <paramref name="seed"/> and the bucket (a root task run's swarm, for
    /// example). In the legacy bucket it is the id written before buckets existed, so a body retried across an upgrade
    /// finds its signatures again.</summary>
    public static string Derived(string seed, string bucket) => SignatureBucket.Join(new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16)).ToString(), bucket);

    /// <summary>Whether ids made now are random (outside any task body), so none can exist in Redis yet.</summary>
    public static bool AreRandom => TaskContext.Current is null;

    private sealed class Counter
    {
        public int Value;
    }
}

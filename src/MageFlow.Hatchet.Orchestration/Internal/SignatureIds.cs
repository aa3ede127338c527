using System.Security.Cryptography;
using System.Text;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.Internal;

/// <summary>
/// Signature ids. Inside a task body they derive from the task run and the creation order, so a retried body gets
/// the same signatures back and nothing runs twice; elsewhere they are random.
/// </summary>
internal static class SignatureIds
{
    private const string CounterKey = "mageflow.signature-counter";

    public static string New()
    {
        if (TaskContext.Current is { } ctx)
        {
            var counter = (Counter)ctx.Items.GetOrAdd(CounterKey, static _ => new Counter())!;
            return Derived($"{ctx.TaskRunExternalId}#{Interlocked.Increment(ref counter.Value)}");
        }

        return Guid.NewGuid().ToString();
    }

    /// <summary>An id that is a pure function of <paramref name="seed"/> (a root task run's swarm, for example).</summary>
    public static string Derived(string seed) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16)).ToString();

    /// <summary>Whether ids made now are random (outside any task body), so none can exist in Redis yet.</summary>
    public static bool AreRandom => TaskContext.Current is null;

    private sealed class Counter
    {
        public int Value;
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.Internal;

/// <summary>
/// Chooses the slot bucket of new signatures. Inside a task body they join the flow the running task belongs to: the
/// bucket of the root swarm (in a root body) or of the run's signature, so a root, its swarm, its children and nested
/// roots share one slot; a run without a signature (a plain run) uses a bucket derived from its workflow run id (a
/// retry finds the same). Outside any body, each new flow takes the next of <see cref="MageFlowOptions.KeySlots"/>
/// buckets, round robin from a random start, so flows spread over the cluster.
/// </summary>
internal sealed class BucketChooser(int keySlots)
{
    private int _next = Random.Shared.Next(keySlots);

    /// <summary>The bucket of a new top-level flow (outside any body).</summary>
    public string Next() => SignatureBucket.Name((int)((uint)Interlocked.Increment(ref _next) % (uint)keySlots));

    /// <summary>The bucket of signatures made in the current task body, or <see langword="null"/> outside any body.</summary>
    public string? OfCurrentBody(MageFlowServices services)
    {
        if (MageFlowScope.Current is { } scope && scope.Services == services)
        {
            return SignatureBucket.Of(scope.SwarmId);
        }

        return TaskContext.Current is { } context ? OfRun(context) : null;
    }

    /// <summary>The bucket of a task run's flow: its signature's, else one derived from its workflow run.</summary>
    public string OfRun(TaskContext context) =>
        context.AdditionalMetadata.TryGetValue(Publisher.SignatureMetadataKey, out var value) &&
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } id
            ? SignatureBucket.Of(id)
            : SignatureBucket.Name((int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(context.WorkflowRunId)).AsSpan(0, 4)) % (uint)keySlots));

    /// <summary>The bucket of a new signature: the current body's, else that of the first signature it links
    /// (<paramref name="linked"/>, so that none of them moves), else the next one.</summary>
    public string ForNew(MageFlowServices services, IEnumerable<Signatures.Signature>? linked = null) =>
        OfCurrentBody(services) ?? (linked?.FirstOrDefault() is { } first ? SignatureBucket.Of(first.Id) : Next());
}

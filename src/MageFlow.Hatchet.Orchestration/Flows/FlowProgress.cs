using MageFlow.Hatchet.Orchestration.Signatures;

namespace MageFlow.Hatchet.Orchestration.Flows;

/// <summary>Where a flow's children stand: cheap to read (one round trip), to poll every second.</summary>
/// <param name="Total">Children added so far (for a root, what its body published; it grows while the body runs).</param>
/// <param name="Queued">Children waiting for a free slot.</param>
/// <param name="Running">Children started and not ended.</param>
/// <param name="Done">Children that succeeded.</param>
/// <param name="Failed">Children that failed for good.</param>
/// <param name="Canceled">Children cancelled (queued ones when the flow stopped, or cancelled on their own).</param>
/// <param name="Status">The flow's own status (its swarm's, for a root).</param>
public sealed record FlowProgress(int Total, int Queued, int Running, int Done, int Failed, int Canceled, SignatureStatus Status)
{
    /// <summary>Gets a value indicating whether the flow has ended.</summary>
    public bool IsFinished => Status is SignatureStatus.Done or SignatureStatus.Failed or SignatureStatus.Canceled;
}

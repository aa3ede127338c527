namespace MageFlow.Hatchet.Orchestration.Tracking;

/// <summary>What one reconciliation pass (<see cref="MageFlowClient.ReconcileAsync"/>) found and repaired.</summary>
public sealed class ReconcileReport
{
    internal ReconcileReport()
    {
    }

    /// <summary>Gets the runs compared with the engine's record.</summary>
    public int Checked { get; internal set; }

    /// <summary>Gets the run ends the engine had and Redis had lost, recorded now.</summary>
    public int Repaired { get; internal set; }

    /// <summary>Gets the signatures queued by a repaired end whose run the engine had already started: followed, not started again.</summary>
    public int Adopted { get; internal set; }

    /// <summary>Gets the running-index entries dropped because their signature had expired or ended.</summary>
    public int StaleEntries { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"checked={Checked} repaired={Repaired} adopted={Adopted} stale={StaleEntries}";
}

namespace MageFlow.Hatchet.Orchestration.Publishing;

/// <summary>A signature's run the engine has accepted.</summary>
/// <param name="SignatureId">The signature.</param>
/// <param name="RunId">The engine's run id.</param>
/// <param name="InputJson">The input it started with (error callbacks receive it).</param>
/// <param name="ReportedByWorker">Whether a C# worker with MageFlow reports its end itself (a single-task workflow this
/// client declares), so that following it through the engine's events can wait.</param>
internal sealed record PublishedRun(string SignatureId, string RunId, string InputJson, bool ReportedByWorker)
{
    /// <summary>Gets a value indicating whether the run is a swarm item's (counted in <c>mageflow.swarm.items.running</c> until it ends).</summary>
    public bool SwarmItem { get; init; }
}

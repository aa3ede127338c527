namespace MageFlow.Hatchet.Runs;

/// <summary>
/// Receives the end of runs followed with <see cref="RunsClient.Watch"/>. One observer can follow any number of
/// runs without a task or continuation per run. Called on the client's event stream: implementations must return
/// quickly and never throw.
/// </summary>
public interface IRunObserver
{
    /// <summary>The run finished.</summary>
    /// <param name="outcome">How it ended.</param>
    void OnRunFinished(RunOutcome outcome);

    /// <summary>Following the run failed for good (for example the engine rejected the token); it is no longer followed.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="error">Why.</param>
    void OnWatchFailed(string runId, Exception error);
}

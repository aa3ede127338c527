namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>
/// A snapshot of a run as it finished, taken inside the engine lock for <c>SubscribeToWorkflowRuns</c> streams.
/// A snapshot because a replay may change the run before a stream gets to write it.
/// </summary>
/// <param name="RunId">The run's external id.</param>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="Results">One result per task that has an output or an error.</param>
internal readonly record struct FinishedRun(string RunId, DateTimeOffset FinishedAt, IReadOnlyList<TaskResult> Results);

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// Failures that are the engine's rather than the task's: the worker went silent with the task, or the action never
/// reached its worker. Hatchet retries them on a budget of their own (<c>FailTaskInternalFailure</c> in
/// pkg/repository/sqlcv1/tasks.sql): <c>retry_count</c> rises, the app retry count does not, there is no backoff, and
/// after <c>maxInternalRetryCount</c> (10 by default, pkg/config/server/server.go) such retries the task fails.
/// </summary>
internal static class InternalFailure
{
    /// <summary>How many internal retries a task gets before an internal failure fails it.</summary>
    public const int MaxRetries = 10;

    /// <summary>The error of a task whose workers kept going silent (internal/services/controllers/task/process_reassignments.go).</summary>
    public const string ReassignLimitReached = "Task reached its maximum reassignment count";

    /// <summary>The error of a task whose action could not be delivered (<c>handleRetries</c> in internal/services/dispatcher/dispatcher.go).</summary>
    public const string Undelivered =
        "Could not send task to worker. This likely means that too many slots have been configured for the number of workers " +
        "or the network latency between engine and worker is unusually high.";
}

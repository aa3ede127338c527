using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Internal;

/// <summary>The SDK's log events. Event ids and names are a stable contract. The token is never logged.</summary>
internal static partial class HatchetLog
{
    [LoggerMessage(EventId = 2001, EventName = "RunListenerReconnecting", Level = LogLevel.Warning, Message = "Run result stream broke; reconnecting")]
    public static partial void RunListenerReconnecting(ILogger logger, Exception? error);

    [LoggerMessage(EventId = 2101, EventName = "WorkerRegistered", Level = LogLevel.Information, Message = "Worker {WorkerName} registered as {WorkerId} with {ActionCount} action(s)")]
    public static partial void WorkerRegistered(ILogger logger, string workerName, string workerId, int actionCount);

    [LoggerMessage(EventId = 2102, EventName = "ListenReconnecting", Level = LogLevel.Warning, Message = "Worker {WorkerName} lost its action stream; reconnecting in {DelayMs} ms (attempt {Attempt})")]
    public static partial void ListenReconnecting(ILogger logger, string workerName, int delayMs, int attempt, Exception? error);

    [LoggerMessage(EventId = 2103, EventName = "HeartbeatFailed", Level = LogLevel.Warning, Message = "Worker {WorkerName} heartbeat failed")]
    public static partial void HeartbeatFailed(ILogger logger, string workerName, Exception error);

    [LoggerMessage(EventId = 2104, EventName = "TaskFailed", Level = LogLevel.Warning, Message = "Task {Action} run {TaskRunId} attempt {RetryCount} failed")]
    public static partial void TaskFailed(ILogger logger, string action, string taskRunId, int retryCount, Exception error);

    [LoggerMessage(EventId = 2110, EventName = "InputBindingFailed", Level = LogLevel.Error, Message = "Task {Action} run {TaskRunId} cannot read its input: field {Field} should be {ExpectedShape} ({ExpectedType}) but is {ActualShape}; it fails without retries")]
    public static partial void InputBindingFailed(ILogger logger, string action, string taskRunId, string field, string expectedShape, string expectedType, string actualShape);

    [LoggerMessage(EventId = 2105, EventName = "UnknownAction", Level = LogLevel.Error, Message = "Worker {WorkerName} was assigned action {Action}, which it does not serve")]
    public static partial void UnknownAction(ILogger logger, string workerName, string action);

    [LoggerMessage(EventId = 2106, EventName = "EventReportFailed", Level = LogLevel.Error, Message = "Could not report {EventType} for task run {TaskRunId}")]
    public static partial void EventReportFailed(ILogger logger, string eventType, string taskRunId, Exception error);

    [LoggerMessage(EventId = 2107, EventName = "PauseFailed", Level = LogLevel.Warning, Message = "Could not pause worker {WorkerId} through the REST API: {Reason}")]
    public static partial void PauseFailed(ILogger logger, string workerId, string reason, Exception? error);

    [LoggerMessage(EventId = 2108, EventName = "WorkerStopping", Level = LogLevel.Information, Message = "Worker {WorkerName} stopping; draining {Running} running task(s)")]
    public static partial void WorkerStopping(ILogger logger, string workerName, int running);

    [LoggerMessage(EventId = 2109, EventName = "WorkerReRegistering", Level = LogLevel.Warning, Message = "Worker {WorkerName} is unknown to the engine; registering again")]
    public static partial void WorkerReRegistering(ILogger logger, string workerName, Exception error);

    [LoggerMessage(EventId = 2111, EventName = "RunResultReadFromRest", Level = LogLevel.Debug, Message = "Run {RunId} finished without results in its event (its outputs reached the message limit); read them from the REST API")]
    public static partial void RunResultReadFromRest(ILogger logger, string runId);
}

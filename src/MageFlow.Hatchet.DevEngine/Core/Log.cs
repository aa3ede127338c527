using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Core;

/// <summary>The dev engine's log events. Event ids and names are stable.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, EventName = "WorkflowRegistered", Level = LogLevel.Information, Message = "Registered workflow {Workflow} with {TaskCount} task(s)")]
    public static partial void WorkflowRegistered(ILogger logger, string workflow, int taskCount);

    [LoggerMessage(EventId = 1002, EventName = "WorkerRegistered", Level = LogLevel.Information, Message = "Registered worker {WorkerName} ({WorkerId}) with {ActionCount} action(s)")]
    public static partial void WorkerRegistered(ILogger logger, string workerName, string workerId, int actionCount);

    [LoggerMessage(EventId = 1003, EventName = "ListenOpened", Level = LogLevel.Debug, Message = "Worker {WorkerName} ({WorkerId}) opened its listen stream")]
    public static partial void ListenOpened(ILogger logger, string workerName, string workerId);

    [LoggerMessage(EventId = 1004, EventName = "ListenClosed", Level = LogLevel.Debug, Message = "Worker {WorkerName} ({WorkerId}) closed its listen stream")]
    public static partial void ListenClosed(ILogger logger, string workerName, string workerId);

    [LoggerMessage(EventId = 1005, EventName = "WorkerLapsed", Level = LogLevel.Warning, Message = "Worker {WorkerName} ({WorkerId}) has not beaten for longer than the reassign timeout; retrying its {TaskCount} running task(s) on other workers")]
    public static partial void WorkerLapsed(ILogger logger, string workerName, string workerId, int taskCount);

    [LoggerMessage(EventId = 1006, EventName = "RunFinished", Level = LogLevel.Debug, Message = "Run {RunId} of {Workflow} finished: {Status}")]
    public static partial void RunFinished(ILogger logger, string workflow, string runId, string status);

    [LoggerMessage(EventId = 1007, EventName = "ScheduleFailed", Level = LogLevel.Warning, Message = "A scheduled run of {Workflow} could not start")]
    public static partial void ScheduleFailed(ILogger logger, string workflow, Exception error);

    [LoggerMessage(EventId = 1008, EventName = "Unauthenticated", Level = LogLevel.Warning, Message = "Rejected a call to {Method}: {Reason}")]
    public static partial void Unauthenticated(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 1009, EventName = "EngineStarted", Level = LogLevel.Information, Message = "Hatchet dev engine listening: gRPC {GrpcAddress}, REST {RestAddress}")]
    public static partial void EngineStarted(ILogger logger, string grpcAddress, string restAddress);

    [LoggerMessage(EventId = 1010, EventName = "CronDropped", Level = LogLevel.Warning, Message = "Cron {CronName} of {Workflow} was dropped: its expression '{Expression}' does not parse (Hatchet's ticker deletes such crons)")]
    public static partial void CronDropped(ILogger logger, string workflow, string cronName, string expression);

    [LoggerMessage(EventId = 1011, EventName = "CronFailed", Level = LogLevel.Warning, Message = "A cron run of {Workflow} could not start: {Reason}")]
    public static partial void CronFailed(ILogger logger, string workflow, string reason);
}

using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Internal;

/// <summary>MageFlow's log events. Event ids and names are a stable contract.</summary>
internal static partial class MageFlowLog
{
    [LoggerMessage(EventId = 3001, EventName = "TrackFailed", Level = LogLevel.Warning, Message = "Could not record the end of run {RunId} (will retry on the next sweep)")]
    public static partial void TrackFailed(ILogger logger, string runId, Exception error);

    [LoggerMessage(EventId = 3002, EventName = "SweepFailed", Level = LogLevel.Warning, Message = "MageFlow sweep failed")]
    public static partial void SweepFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 3003, EventName = "PublishFailed", Level = LogLevel.Warning, Message = "Publishing signatures failed (they are retried by the sweeper)")]
    public static partial void PublishFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 3004, EventName = "PublishRefused", Level = LogLevel.Error, Message = "Signature {SignatureId} failed: the engine refused to start '{Workflow}'")]
    public static partial void PublishRefused(ILogger logger, string signatureId, string workflow, Exception error);

    [LoggerMessage(EventId = 3005, EventName = "CorruptedState", Level = LogLevel.Error, Message = "The end of run {RunId} could not be recorded: its MageFlow state in Redis is corrupted ({Reason}); its flow stalls, other flows are unaffected")]
    public static partial void CorruptedState(ILogger logger, string runId, string reason);

    [LoggerMessage(EventId = 3006, EventName = "WorkerReportFailed", Level = LogLevel.Warning, Message = "Recording the end of {Count} signature run(s) from this worker failed; the engine's run events record them instead")]
    public static partial void WorkerReportFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(EventId = 3008, EventName = "CancelFailed", Level = LogLevel.Warning, Message = "Could not cancel {Count} run(s) through the engine; they finish on their own")]
    public static partial void CancelFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(EventId = 3009, EventName = "PublishedIntoStoppedRoot", Level = LogLevel.Warning, Message = "Root swarm {SwarmName} ({SwarmId}) has stopped: child {ChildId} ({ChildName}) published by its body was canceled instead of joining it")]
    public static partial void PublishedIntoStoppedRoot(ILogger logger, string swarmName, string swarmId, string childId, string childName);

    [LoggerMessage(EventId = 3007, EventName = "FollowFailed", Level = LogLevel.Warning, Message = "Could not follow {Count} published run(s); the sweeper follows them later")]
    public static partial void FollowFailed(ILogger logger, int count, Exception error);

    [LoggerMessage(EventId = 3010, EventName = "RunEndRepaired", Level = LogLevel.Warning, Message = "Run {RunId} of signature {SignatureId} had ended in the engine but not in Redis (Redis lost the write); its end is recorded now")]
    public static partial void RunEndRepaired(ILogger logger, string runId, string signatureId);

    [LoggerMessage(EventId = 3011, EventName = "ReconcileReadFailed", Level = LogLevel.Warning, Message = "Could not read the engine's record of {Id} while reconciling; the next pass tries again")]
    public static partial void ReconcileReadFailed(ILogger logger, string id, Exception error);

    [LoggerMessage(EventId = 3012, EventName = "ReplicaWaitShortfall", Level = LogLevel.Warning, Message = "Only {Acknowledged} of {Required} Redis replica(s) acknowledged a MageFlow step within {TimeoutMs} ms; a failover now could lose it (the reconciler repairs lost run ends)")]
    public static partial void ReplicaWaitShortfall(ILogger logger, long acknowledged, int required, long timeoutMs);
}

using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace MageFlow.Hatchet.Worker;

/// <summary>Reports a task run's start, completion or failure to the engine (<c>SendStepActionEvent</c>), retrying
/// through outages: a lost report would leave the run to time out.</summary>
internal sealed class StepEventReporter
{
    private static readonly StatusCode[] FinalCodes =
        [StatusCode.Unimplemented, StatusCode.InvalidArgument, StatusCode.AlreadyExists, StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.NotFound];

    private readonly EngineConnection _engine;
    private readonly WorkerSession _session;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ResiliencePipeline _retry;

    public StepEventReporter(EngineConnection engine, WorkerSession session, TimeProvider time, ILogger log)
    {
        _engine = engine;
        _session = session;
        _time = time;
        _log = log;
        _retry = new RetryOptions { MaxRetryAttempts = 20, MaxDelay = TimeSpan.FromSeconds(10) }
            .ToPipeline(e => e is RpcException r && !FinalCodes.Contains(r.StatusCode), time);
    }

    public async Task ReportAsync(AssignedAction action, StepActionEventType type, string payload, bool shouldNotRetry)
    {
        // Hatchet reads a run's trace context from its metadata, never from call headers: without this, the task span
        // around the report would make the HTTP stack write traceparent headers into every report. Only this method's
        // flow is affected; the caller's span stays current.
        if (Activity.Current is not null)
        {
            Activity.Current = null;
        }

        var e = new StepActionEvent
        {
            WorkerId = _session.WorkerId ?? string.Empty,
            JobId = action.JobId,
            JobRunId = action.JobRunId,
            TaskId = action.TaskId,
            TaskRunExternalId = action.TaskRunExternalId,
            ActionId = action.ActionId,
            EventTimestamp = Timestamp.FromDateTimeOffset(_time.GetUtcNow()),
            EventType = type,
            EventPayload = payload,
            RetryCount = action.RetryCount,
        };
        if (shouldNotRetry)
        {
            e.ShouldNotRetry = true;
        }

        try
        {
            await _retry.ExecuteAsync(
                async ct => await _engine.Dispatcher.SendStepActionEventAsync(e, cancellationToken: ct).ResponseAsync.ConfigureAwait(false),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            HatchetLog.EventReportFailed(_log, type.ToString(), action.TaskRunExternalId, ex);
        }
    }
}

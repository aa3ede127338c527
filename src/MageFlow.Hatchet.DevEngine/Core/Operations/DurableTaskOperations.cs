using Grpc.Core;
using MageFlow.Hatchet.DevEngine.Core.Durable;
using MageFlow.Hatchet.DevEngine.Core.Matching;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.DevEngine.Core.Scheduling;
using MageFlow.Hatchet.DevEngine.Core.Workers;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>
/// Entry points of the <c>DurableTask</c> stream, each one engine transition. A request the engine refuses (an id that
/// is not a uuid, an unknown task, a task of another worker, bad conditions) is answered on the stream with a
/// <c>DurableTaskErrorResponse</c> naming the task and the reason, and the stream goes on serving; Hatchet only logs such
/// errors, which leaves the asking worker waiting for an answer that never comes.
/// </summary>
internal sealed class DurableTaskOperations(Lock gate, RunStore runs, WorkerRegistry workers, DurableEventLogs logs, RunFactory factory, Scheduler scheduler)
{
    /// <summary>Opens a stream.</summary>
    /// <returns>The session.</returns>
    public DurableTaskSession Open()
    {
        lock (gate)
        {
            return logs.Open();
        }
    }

    /// <summary>Closes a stream.</summary>
    /// <param name="session">The session.</param>
    public void Close(DurableTaskSession session)
    {
        lock (gate)
        {
            logs.Close(session);
        }
    }

    /// <summary><c>register_worker</c>: the stream speaks for a registered worker. A malformed or unknown id ends the
    /// stream (<c>INVALID_ARGUMENT</c>, <c>NOT_FOUND</c>): it has no entry to answer on.</summary>
    /// <param name="session">The session.</param>
    /// <param name="request">The request.</param>
    public void RegisterWorker(DurableTaskSession session, DurableTaskRequestRegisterWorker request)
    {
        if (!Guid.TryParse(request.WorkerId, out _))
        {
            throw EngineErrors.Invalid($"invalid worker id: '{request.WorkerId}' is not a uuid");
        }

        lock (gate)
        {
            if (!workers.IsKnown(request.WorkerId))
            {
                throw EngineErrors.NotFound($"worker {request.WorkerId} is not registered");
            }

            session.WorkerId = request.WorkerId;
            session.Send(new DurableTaskResponse { RegisterWorker = new DurableTaskResponseRegisterWorker { WorkerId = request.WorkerId } });
        }
    }

    /// <summary><c>memo</c>.</summary>
    /// <param name="session">The session.</param>
    /// <param name="request">The request.</param>
    public void Memo(DurableTaskSession session, DurableTaskMemoRequest request) =>
        Attached(session, request.DurableTaskExternalId, request.InvocationCount, (task, log) =>
            DurableEventLogs.Memo(session, task, log, request.Key.ToByteArray(), request.HasPayload ? request.Payload.ToByteArray() : null));

    /// <summary><c>wait_for</c>.</summary>
    /// <param name="session">The session.</param>
    /// <param name="request">The request.</param>
    public void WaitFor(DurableTaskSession session, DurableTaskWaitForRequest request) =>
        Guarded(session, request.DurableTaskExternalId, request.InvocationCount, () =>
        {
            var conditions = request.WaitForConditions ?? new DurableEventListenerConditions();
            var parsed = ConditionParser.FromDurable(conditions);
            Attached(session, request.DurableTaskExternalId, request.InvocationCount, (task, log) => logs.WaitFor(session, task, log, conditions, parsed));
        });

    /// <summary><c>trigger_runs</c>.</summary>
    /// <param name="session">The session.</param>
    /// <param name="request">The request.</param>
    /// <param name="runRequests">The runs asked for, mapped from the request's trigger options, with the task as parent.</param>
    public void TriggerRuns(DurableTaskSession session, DurableTaskTriggerRunsRequest request, IReadOnlyList<RunRequest> runRequests) =>
        Attached(session, request.DurableTaskExternalId, request.InvocationCount, (task, log) => logs.TriggerRuns(session, task, log, runRequests, factory));

    /// <summary><c>complete_memo</c>.</summary>
    /// <param name="session">The session.</param>
    /// <param name="request">The request.</param>
    public void CompleteMemo(DurableTaskSession session, DurableTaskCompleteMemoRequest request)
    {
        var r = request.Ref ?? new DurableEventLogEntryRef();
        Guarded(session, r.DurableTaskExternalId, r.InvocationCount, () =>
        {
            lock (gate)
            {
                DurableEventLogs.CompleteMemo(Find(r.DurableTaskExternalId), r.BranchId, r.NodeId, request.Payload.ToByteArray());
            }
        });
    }

    /// <summary><c>worker_status</c>.</summary>
    /// <param name="session">The session.</param>
    /// <param name="request">The request.</param>
    public void WorkerStatus(DurableTaskSession session, DurableTaskWorkerStatusRequest request)
    {
        lock (gate)
        {
            DurableEventLogs.WorkerStatus(session, request.WaitingEntries, id => runs.TryGetTask(id, out var t) ? t : null);
        }
    }

    /// <summary><c>evict_invocation</c>.</summary>
    /// <param name="session">The session.</param>
    /// <param name="request">The request.</param>
    public void Evict(DurableTaskSession session, DurableTaskEvictInvocationRequest request) =>
        Guarded(session, request.DurableTaskExternalId, request.InvocationCount, () =>
        {
            lock (gate)
            {
                logs.Evict(session, Find(request.DurableTaskExternalId), request.InvocationCount, scheduler.Release);
            }
        });

    private void Attached(DurableTaskSession session, string taskId, int invocation, System.Action<TaskRun, DurableEventLog> act) =>
        Guarded(session, taskId, invocation, () =>
        {
            lock (gate)
            {
                var task = Find(taskId);
                if (DurableEventLogs.Attach(session, task, invocation) is { } log)
                {
                    act(task, log);
                }
            }
        });

    private TaskRun Find(string taskId)
    {
        if (!Guid.TryParse(taskId, out _))
        {
            throw EngineErrors.Invalid($"invalid durable_task_external_id: '{taskId}' is not a uuid");
        }

        return runs.TryGetTask(taskId, out var task) ? task : throw EngineErrors.NotFound($"task not found: {taskId}");
    }

    private static void Guarded(DurableTaskSession session, string taskId, int invocation, System.Action act)
    {
        try
        {
            act();
        }
        catch (RpcException e)
        {
            session.Send(DurableReplies.Refused(taskId, invocation, $"{e.StatusCode}: {e.Status.Detail}"));
        }
    }
}

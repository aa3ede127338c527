using MageFlow.Hatchet.DevEngine.Core.Matching;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>
/// The durable event logs of Hatchet's <c>DurableTask</c> protocol (pkg/repository/durable_events.go,
/// internal/services/dispatcher/server_v1.go): memos, waits and (in <c>DurableEventLogs.Runs.cs</c>) spawned runs are
/// appended as nodes of the calling task's log; a replay (a later invocation) finds them by node and gets their result
/// again instead of doing the work. Entries end here (a wait's match decided, a child run ended) and their completion
/// goes to the stream that last spoke for the task. Runs under the engine lock.
/// </summary>
internal sealed partial class DurableEventLogs(PendingMatches pending, Events.EventLog events, EngineCounters counters, TimeProvider time)
{
    private readonly HashSet<DurableTaskSession> _sessions = [];

    /// <summary>Gets or sets what queues an evicted task again when one of its entries ends (set by the engine).</summary>
    public Action<TaskRun>? Restore { get; set; }

    /// <summary>Opens a <c>DurableTask</c> stream.</summary>
    /// <returns>The session.</returns>
    public DurableTaskSession Open()
    {
        var session = new DurableTaskSession();
        _sessions.Add(session);
        counters.DurableTaskStreamOpened();
        return session;
    }

    /// <summary>Closes a stream: completions for its tasks wait until a stream speaks for them again (or asks with
    /// <c>worker_status</c>).</summary>
    /// <param name="session">The session.</param>
    public void Close(DurableTaskSession session)
    {
        _sessions.Remove(session);
        foreach (var log in session.Logs)
        {
            if (log.Session == session)
            {
                log.Session = null;
            }
        }

        session.Close();
    }

    /// <summary>
    /// Ties a request to the task's log: the stream now speaks for the task. A request of another invocation than the
    /// current one is stale (its worker lost the task): the worker is told to evict it, as Hatchet answers a
    /// <c>StaleInvocationError</c>, and nothing is recorded.
    /// </summary>
    /// <param name="session">The stream.</param>
    /// <param name="task">The durable task run.</param>
    /// <param name="invocation">The invocation count the request carries.</param>
    /// <returns>The log, or <see langword="null"/> when the request is stale.</returns>
    public static DurableEventLog? Attach(DurableTaskSession session, TaskRun task, int invocation)
    {
        if (task.EventLog is not { } log)
        {
            throw EngineErrors.FailedPrecondition($"task run {task.ExternalId} has no durable event log: it is not a durable task, or it has not been assigned yet");
        }

        if (invocation != log.InvocationCount)
        {
            session.Send(DurableReplies.ServerEvict(task.ExternalId, invocation, $"invocation count mismatch for task {task.ExternalId}: server has {log.InvocationCount}, worker sent {invocation}"));
            return null;
        }

        if (session.WorkerId is { } workerId && task.Worker is { } worker && worker.Id != workerId)
        {
            throw EngineErrors.FailedPrecondition($"task run {task.ExternalId} (invocation {invocation}) is assigned to worker {worker.Id}, not to this stream's worker {workerId}");
        }

        log.Session = session;
        session.Logs.Add(log);
        return log;
    }

    /// <summary><c>memo</c>: the next node records a memo key; on replay it answers the value recorded before.</summary>
    /// <param name="session">The stream.</param>
    /// <param name="task">The durable task run.</param>
    /// <param name="log">Its log, from <see cref="Attach"/>.</param>
    /// <param name="key">The memo key.</param>
    /// <param name="payload">The value, when the worker already has it; else it comes with <c>complete_memo</c>.</param>
    public static void Memo(DurableTaskSession session, TaskRun task, DurableEventLog log, byte[] key, byte[]? payload)
    {
        var idempotency = DurableCallKeys.ForMemo(key);
        var node = log.LatestNodeId + 1;
        var existed = log.Entries.TryGetValue((node, DurableEventLog.MainBranch), out var entry);
        if (existed && entry!.IdempotencyKey != idempotency)
        {
            session.Send(DurableReplies.Nondeterminism(entry, log.InvocationCount, "memo"));
            return;
        }

        if (!existed)
        {
            entry = new DurableLogEntry(task, DurableLogEntryKind.Memo, node, DurableEventLog.MainBranch, idempotency, "memo");
            if (payload is { Length: > 0 })
            {
                entry.IsSatisfied = true;
                entry.Result = payload;
            }

            log.Entries[(node, entry.BranchId)] = entry;
        }

        log.LatestNodeId = Math.Max(log.LatestNodeId, node);
        var ack = new DurableTaskEventMemoAckResponse
        {
            Ref = DurableReplies.Ref(task.ExternalId, log.InvocationCount, entry!.BranchId, node),
            MemoAlreadyExisted = existed,
        };
        if (entry.Result is { } result)
        {
            ack.MemoResultPayload = Google.Protobuf.ByteString.CopyFrom(result);
        }

        session.Send(new DurableTaskResponse { MemoAck = ack });
        if (entry.IsSatisfied)
        {
            Deliver(log, entry);
        }
    }

    /// <summary><c>complete_memo</c>: the worker computed a memo's value; an entry already done is left as it is.</summary>
    /// <param name="task">The durable task run.</param>
    /// <param name="branchId">The entry's branch.</param>
    /// <param name="nodeId">The entry's node.</param>
    /// <param name="payload">The value.</param>
    public static void CompleteMemo(TaskRun task, long branchId, long nodeId, byte[] payload)
    {
        if (task.EventLog?.Entries.GetValueOrDefault((nodeId, branchId)) is not { Kind: DurableLogEntryKind.Memo } entry)
        {
            throw EngineErrors.NotFound($"task run {task.ExternalId} has no memo entry at node {nodeId} on branch {branchId}");
        }

        if (entry.IsSatisfied)
        {
            return;
        }

        entry.IsSatisfied = true;
        entry.Result = payload.Length > 0 ? payload : null;
    }

    /// <summary><c>wait_for</c>: the next node waits on sleep and user-event conditions. A new wait starts them now; a
    /// replayed one keeps its first start, so a sleep ends when it first would have, and a wait already over answers
    /// at once.</summary>
    /// <param name="session">The stream.</param>
    /// <param name="task">The durable task run.</param>
    /// <param name="log">Its log, from <see cref="Attach"/>.</param>
    /// <param name="conditions">The conditions as sent.</param>
    /// <param name="parsed">The conditions, parsed and validated.</param>
    public void WaitFor(DurableTaskSession session, TaskRun task, DurableEventLog log, DurableEventListenerConditions conditions, List<MatchCondition> parsed)
    {
        var idempotency = DurableCallKeys.ForWait(conditions);
        var description = DurableCallKeys.Describe(parsed);
        var node = log.LatestNodeId + 1;
        var existed = log.Entries.TryGetValue((node, DurableEventLog.MainBranch), out var entry);
        if (existed && entry!.IdempotencyKey != idempotency)
        {
            session.Send(DurableReplies.Nondeterminism(entry, log.InvocationCount, description));
            return;
        }

        if (!existed)
        {
            entry = new DurableLogEntry(task, DurableLogEntryKind.WaitFor, node, DurableEventLog.MainBranch, idempotency, description);
            log.Entries[(node, entry.BranchId)] = entry;
        }

        log.LatestNodeId = Math.Max(log.LatestNodeId, node);
        session.Send(new DurableTaskResponse
        {
            WaitForAck = new DurableTaskEventWaitForAckResponse { Ref = DurableReplies.Ref(task.ExternalId, log.InvocationCount, entry!.BranchId, node) },
        });
        if (existed)
        {
            if (entry.IsSatisfied)
            {
                Deliver(log, entry);
            }
            else
            {
                LookBack(entry);
            }

            return;
        }

        // Started after the ack is queued, so a wait that holds at once (a zero sleep) completes after its ack.
        counters.DurableWaitRegistered();
        var now = time.GetUtcNow();
        var match = new ConditionMatch(entry, ConditionParser.Start(parsed, now));
        entry.Match = match;
        if (pending.Add(match, now))
        {
            Decided(entry, match);
            return;
        }

        LookBack(entry);
    }

    /// <summary>
    /// Event lookback (Hatchet's <c>handleEventLookback</c>): a wait not yet over whose user-event conditions have a scope
    /// and <c>consider_events_since</c> is offered the events of that key and scope pushed since then, newest first.
    /// </summary>
    private void LookBack(DurableLogEntry entry)
    {
        if (entry.Match is not { } match)
        {
            return;
        }

        var wanted = match.Conditions.Where(c => c is { Kind: ConditionKind.UserEvent, EventScope: not null, ConsiderEventsSince: not null }).ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        foreach (var e in events.All.Reverse())
        {
            if (wanted.Any(c => c.EventKey == e.Key && c.EventScope == e.Scope && e.SeenAt >= c.ConsiderEventsSince) && pending.Offer(match, e.Key, e.Scope, e.PayloadJson))
            {
                Decided(entry, match);
                return;
            }
        }
    }

    /// <summary>A wait's match was decided: the entry ends with the match data (<c>{"CREATE": {key: [data]}}</c>).</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="match">Its match.</param>
    public void Decided(DurableLogEntry entry, ConditionMatch match)
    {
        entry.Match = null;
        Satisfy(entry, System.Text.Encoding.UTF8.GetBytes(match.DataJson(MatchAction.Create)), null);
    }

    /// <summary>A task reached a final state: its waits that have not ended stop, and are forgotten, so a replay of the
    /// task (a new run of it) starts them afresh; ended entries stay.</summary>
    /// <param name="task">The task run.</param>
    public void TaskEnded(TaskRun task)
    {
        if (task.EventLog is not { } log)
        {
            return;
        }

        foreach (var (key, entry) in log.Entries.Where(e => e.Value is { Kind: DurableLogEntryKind.WaitFor, IsSatisfied: false }).ToArray())
        {
            if (entry.Match is { } match)
            {
                pending.Remove(match);
            }

            log.Entries.Remove(key);
        }
    }

    /// <summary>Ends an entry (a wait or a child run) and sends its completion, in satisfied order.</summary>
    private void Satisfy(DurableLogEntry entry, byte[]? result, string? error)
    {
        if (entry.IsSatisfied || entry.Task.EventLog is not { } log)
        {
            return;
        }

        entry.IsSatisfied = true;
        entry.Result = result;
        entry.IsFailure = error is not null;
        entry.ErrorMessage = error;
        entry.SatisfiedOrder = ++log.LatestSatisfiedOrder;
        if (log.Evicted)
        {
            // Hatchet's DispatchCallbacks: a callback for an evicted task restores it instead of being delivered.
            Restore?.Invoke(entry.Task);
            return;
        }

        Deliver(log, entry);
    }

    private static void Deliver(DurableEventLog log, DurableLogEntry entry) =>
        log.Session?.Deliver(entry.Task.ExternalId, log.InvocationCount, entry.SatisfiedOrder, DurableReplies.Completed(entry, log.InvocationCount));
}

using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>What a worker tells about its invocations: what it still waits on (<c>worker_status</c>) and what it lets
/// go (<c>evict_invocation</c>).</summary>
internal sealed partial class DurableEventLogs
{
    /// <summary>
    /// <c>worker_status</c>: the entries a worker still waits on. Those that ended are sent again (a completion lost
    /// with an earlier stream arrives this way), and an invocation older than the task's current one is told to stop
    /// (<c>server_evict</c>). Ids that do not parse or name no durable task are skipped, as Hatchet skips them.
    /// </summary>
    /// <param name="session">The stream.</param>
    /// <param name="waiting">The entries the worker waits on.</param>
    /// <param name="find">Finds a task run by external id.</param>
    public static void WorkerStatus(DurableTaskSession session, IEnumerable<DurableTaskAwaitedCompletedEntry> waiting, Func<string, TaskRun?> find)
    {
        foreach (var group in waiting.Where(w => Guid.TryParse(w.DurableTaskExternalId, out _)).GroupBy(w => w.DurableTaskExternalId, StringComparer.Ordinal))
        {
            if (find(group.Key) is not { EventLog: { } log } task)
            {
                continue;
            }

            var workerInvocation = group.Last().InvocationCount;
            if (workerInvocation < log.InvocationCount)
            {
                session.Send(DurableReplies.ServerEvict(task.ExternalId, workerInvocation, $"stale invocation: server has {log.InvocationCount}, worker sent {workerInvocation}"));
            }

            foreach (var w in group)
            {
                if (log.Entries.GetValueOrDefault((w.NodeId, w.BranchId)) is { IsSatisfied: true } entry)
                {
                    session.Deliver(task.ExternalId, log.InvocationCount, entry.SatisfiedOrder, DurableReplies.Completed(entry, log.InvocationCount));
                }
            }
        }
    }

    /// <summary>
    /// <c>evict_invocation</c>: the worker lets a waiting invocation go and frees its slot (Hatchet's <c>EvictTask</c>).
    /// The task keeps its place as running without a worker; when one of its waits or children ends, it is queued again
    /// and its next invocation replays the log. An invocation that is not the current one, or a task that is not
    /// running, is acknowledged without effect, as Hatchet skips the eviction.
    /// </summary>
    /// <param name="session">The stream.</param>
    /// <param name="task">The durable task run.</param>
    /// <param name="invocation">The invocation to evict.</param>
    /// <param name="release">Frees the task's worker and slots.</param>
    public void Evict(DurableTaskSession session, TaskRun task, int invocation, Action<TaskRun> release)
    {
        if (task is { State: TaskState.Running, EventLog: { Evicted: false } log } && log.InvocationCount == invocation)
        {
            release(task);
            log.Evicted = true;
            counters.DurableEvicted();
        }

        session.Send(new DurableTaskResponse
        {
            EvictionAck = new DurableTaskEvictionAckResponse { DurableTaskExternalId = task.ExternalId, InvocationCount = invocation },
        });
    }
}

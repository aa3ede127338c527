using System.Text;
using System.Text.Json.Nodes;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>Child runs spawned through the log (<c>trigger_runs</c>).</summary>
internal sealed partial class DurableEventLogs
{
    /// <summary>
    /// <c>trigger_runs</c>: each spawn is a node holding its child run. A spawn whose child index (and key) the log
    /// already holds is that child again, as Hatchet dedupes spawns by key: a replay gets the same run and, when it has
    /// ended, its result, and no run is created twice. Every new child is validated before any is created.
    /// </summary>
    /// <param name="session">The stream.</param>
    /// <param name="task">The durable task run, the children's parent.</param>
    /// <param name="log">Its log, from <see cref="Attach"/>.</param>
    /// <param name="requests">The runs asked for, in order, with the durable task as parent.</param>
    /// <param name="factory">Creates the runs.</param>
    public void TriggerRuns(DurableTaskSession session, TaskRun task, DurableEventLog log, IReadOnlyList<RunRequest> requests, RunFactory factory)
    {
        if (requests.Count == 0)
        {
            throw EngineErrors.Invalid("trigger_runs needs at least one trigger_opts");
        }

        var planned = new List<(DurableLogEntry Entry, PreparedTrigger? New)>(requests.Count);
        var claimed = new Dictionary<string, DurableLogEntry>(StringComparer.Ordinal);
        var node = log.LatestNodeId;
        foreach (var request in requests)
        {
            var idempotency = DurableCallKeys.ForRun(request.WorkflowName, request.InputJson ?? string.Empty);
            var described = $"run({request.WorkflowName})";
            var spawnKey = request.ChildIndex is { } index ? $"{index}:{request.ChildKey}" : null;
            if (spawnKey is not null && (log.Spawns.TryGetValue(spawnKey, out var prior) || claimed.TryGetValue(spawnKey, out prior)))
            {
                // An explicit child key reuses its child whatever the input; an index-only spawn must ask for the same.
                if (request.ChildKey is null && prior.IdempotencyKey != idempotency)
                {
                    session.Send(DurableReplies.Nondeterminism(prior, log.InvocationCount, described));
                    return;
                }

                planned.Add((prior, null));
                continue;
            }

            node++;
            if (log.Entries.TryGetValue((node, DurableEventLog.MainBranch), out var atNode))
            {
                if (atNode.IdempotencyKey != idempotency)
                {
                    session.Send(DurableReplies.Nondeterminism(atNode, log.InvocationCount, described));
                    return;
                }

                planned.Add((atNode, null));
                continue;
            }

            var entry = new DurableLogEntry(task, DurableLogEntryKind.Run, node, DurableEventLog.MainBranch, idempotency, described);
            planned.Add((entry, factory.Prepare(request)));
            if (spawnKey is not null)
            {
                claimed[spawnKey] = entry;
            }
        }

        var endedAlready = new List<WorkflowRun>();
        foreach (var (entry, prepared) in planned)
        {
            if (prepared is null)
            {
                continue;
            }

            // The run factory returns the earlier child when one of the parent's children already has the key.
            var run = factory.Create(prepared, null, null);
            entry.ChildRunId = run.Id;
            run.DurableEntry = entry;
            if (run.Finalized)
            {
                endedAlready.Add(run);
            }

            log.Entries[(entry.NodeId, entry.BranchId)] = entry;
            log.LatestNodeId = Math.Max(log.LatestNodeId, entry.NodeId);
        }

        foreach (var (key, entry) in claimed)
        {
            log.Spawns[key] = entry;
        }

        var ack = new DurableTaskEventTriggerRunsAckResponse { DurableTaskExternalId = task.ExternalId, InvocationCount = log.InvocationCount };
        var entries = planned.Select(p => p.Entry).OrderBy(e => e.NodeId).ToList();
        foreach (var entry in entries)
        {
            log.LatestNodeId = Math.Max(log.LatestNodeId, entry.NodeId);
            ack.RunEntries.Add(new DurableTaskRunAckEntry { NodeId = entry.NodeId, BranchId = entry.BranchId, WorkflowRunExternalId = entry.ChildRunId ?? string.Empty });
        }

        session.Send(new DurableTaskResponse { TriggerRunsAck = ack });
        foreach (var entry in entries)
        {
            if (entry.IsSatisfied)
            {
                Deliver(log, entry);
            }
        }

        foreach (var run in endedAlready)
        {
            RunFinished(run);
        }
    }

    /// <summary>A run ended: the log entry that spawned it ends with its output (a single task's output, a DAG's outputs
    /// by task), or fails with its error, as Hatchet extracts it from the child's completion (pkg/repository/output.go).</summary>
    /// <param name="run">The finished run.</param>
    public void RunFinished(WorkflowRun run)
    {
        if (run.DurableEntry is not { IsSatisfied: false } entry)
        {
            return;
        }

        switch (run.Status)
        {
            case ExecutionStatus.Completed:
                Satisfy(entry, Encoding.UTF8.GetBytes(OutputOf(run)), null);
                break;
            case ExecutionStatus.Failed:
                var failed = run.Tasks.FirstOrDefault(t => t.State == TaskState.Failed);
                Satisfy(entry, null, failed?.Error ?? "task failed");
                break;
            default:
                Satisfy(entry, null, "task was cancelled");
                break;
        }
    }

    private static string OutputOf(WorkflowRun run)
    {
        if (run.Def.IsSingleTask)
        {
            return run.Tasks[0].Output ?? "{}";
        }

        var outputs = new JsonObject();
        foreach (var t in run.Tasks)
        {
            if (t.Output is { } output)
            {
                outputs[t.Def.ReadableId] = JsonNode.Parse(output);
            }
        }

        return outputs.ToJsonString();
    }
}

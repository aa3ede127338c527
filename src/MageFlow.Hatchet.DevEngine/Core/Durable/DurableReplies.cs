using Google.Protobuf;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>The <c>DurableTaskResponse</c> messages the engine sends, built as Hatchet's dispatcher builds them
/// (internal/services/dispatcher/server_v1.go).</summary>
internal static class DurableReplies
{
    /// <summary>A reference to an entry.</summary>
    /// <param name="taskId">The durable task's external id.</param>
    /// <param name="invocation">The invocation count.</param>
    /// <param name="branchId">The branch.</param>
    /// <param name="nodeId">The node.</param>
    /// <returns>The reference.</returns>
    public static DurableEventLogEntryRef Ref(string taskId, int invocation, long branchId, long nodeId) =>
        new() { DurableTaskExternalId = taskId, InvocationCount = invocation, BranchId = branchId, NodeId = nodeId };

    /// <summary>An entry ended: its result, or the failure of a child run.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="invocation">The invocation it is delivered to (the log's current one, as Hatchet reads it).</param>
    /// <returns>The response.</returns>
    public static DurableTaskResponse Completed(DurableLogEntry entry, int invocation)
    {
        var completed = new DurableTaskEventLogEntryCompletedResponse
        {
            Ref = Ref(entry.Task.ExternalId, invocation, entry.BranchId, entry.NodeId),
        };
        if (entry.IsFailure)
        {
            completed.IsFailure = true;
            completed.ErrorMessage = entry.ErrorMessage ?? string.Empty;
        }
        else if (entry.Result is { } result)
        {
            completed.Payload = ByteString.CopyFrom(result);
        }

        return new DurableTaskResponse { EntryCompleted = completed };
    }

    /// <summary>A replay asked for something else than the log recorded at this node.</summary>
    /// <param name="entry">The recorded entry.</param>
    /// <param name="invocation">The invocation that asked.</param>
    /// <param name="received">How the call that came reads.</param>
    /// <returns>The response.</returns>
    public static DurableTaskResponse Nondeterminism(DurableLogEntry entry, int invocation, string received) => new()
    {
        Error = new DurableTaskErrorResponse
        {
            Ref = Ref(entry.Task.ExternalId, invocation, entry.BranchId, entry.NodeId),
            ErrorType = DurableTaskErrorType.Nondeterminism,
            ErrorMessage = $"non-determinism error in task {entry.Task.ExternalId} at node {entry.NodeId}:{entry.BranchId}\n  expected: {entry.Description}\n  received: {received}",
        },
    };

    /// <summary>A request the engine refuses (bad ids, unknown task, a task of another worker...).</summary>
    /// <param name="taskId">The task id as sent.</param>
    /// <param name="invocation">The invocation as sent.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns>The response.</returns>
    public static DurableTaskResponse Refused(string taskId, int invocation, string message) => new()
    {
        Error = new DurableTaskErrorResponse
        {
            Ref = Ref(taskId, invocation, 0, 0),
            ErrorType = DurableTaskErrorType.Unspecified,
            ErrorMessage = message,
        },
    };

    /// <summary>The worker's invocation is not the task's current one: it must stop running it.</summary>
    /// <param name="taskId">The durable task's external id.</param>
    /// <param name="workerInvocation">The invocation the worker runs.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The response.</returns>
    public static DurableTaskResponse ServerEvict(string taskId, int workerInvocation, string reason) => new()
    {
        ServerEvict = new DurableTaskServerEvictNotice { DurableTaskExternalId = taskId, InvocationCount = workerInvocation, Reason = reason },
    };
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using MageFlow.Hatchet.Protocol.V1;
using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Tasks;

/// <summary>
/// One invocation's calls on the durable event log (<c>DurableTask</c>): each is the next node of the task's log, so
/// calls go one at a time, in the order the task's code makes them. A replay (a later invocation, on any worker) makes
/// the same calls and gets what the log recorded.
/// </summary>
internal sealed class DurableLogCalls(DurableLogStream stream, string taskId, int invocation) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Waits on conditions; returns the match data (<c>{"CREATE": {key: [data]}}</c>).</summary>
    /// <param name="conditions">The conditions.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The match data JSON.</returns>
    public async Task<string> WaitAsync(DurableEventListenerConditions conditions, CancellationToken cancellationToken)
    {
        var request = new DurableTaskWaitForRequest { InvocationCount = invocation, DurableTaskExternalId = taskId, WaitForConditions = conditions };
        var ack = await CallAsync(new DurableTaskRequest { WaitFor = request }, cancellationToken).ConfigureAwait(false);
        var at = ack.WaitForAck.Ref;
        var done = await stream.WaitEntryAsync(taskId, invocation, at.BranchId, at.NodeId, cancellationToken).ConfigureAwait(false);
        return done.Payload.IsEmpty ? "{}" : done.Payload.ToStringUtf8();
    }

    /// <summary>Returns the value recorded under a key, or computes, records and returns it.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key, unique within the task.</param>
    /// <param name="compute">Computes the value when the log has none.</param>
    /// <param name="json">The serializer options.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The value.</returns>
    public async Task<T> MemoAsync<T>(string key, Func<CancellationToken, Task<T>> compute, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var memoKey = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes(taskId + ":" + key)));
        var request = new DurableTaskMemoRequest { InvocationCount = invocation, DurableTaskExternalId = taskId, Key = memoKey };
        var ack = (await CallAsync(new DurableTaskRequest { Memo = request }, cancellationToken).ConfigureAwait(false)).MemoAck;
        if (ack.MemoAlreadyExisted && ack.HasMemoResultPayload && !ack.MemoResultPayload.IsEmpty)
        {
            return JsonSerializer.Deserialize<T>(ack.MemoResultPayload.Span, json)!;
        }

        var value = await compute(cancellationToken).ConfigureAwait(false);
        var complete = new DurableTaskCompleteMemoRequest
        {
            Ref = ack.Ref,
            Payload = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(value, json)),
            MemoKey = memoKey,
        };
        await stream.SendAsync(new DurableTaskRequest { CompleteMemo = complete }, cancellationToken).ConfigureAwait(false);
        return value;
    }

    /// <summary>Spawns a run through the log and waits for it to end.</summary>
    /// <param name="trigger">The run, with this task as its parent.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The child run's id and its completion.</returns>
    public async Task<(string RunId, DurableTaskEventLogEntryCompletedResponse Completed)> SpawnAsync(TriggerWorkflowRequest trigger, CancellationToken cancellationToken)
    {
        var request = new DurableTaskTriggerRunsRequest { InvocationCount = invocation, DurableTaskExternalId = taskId };
        request.TriggerOpts.Add(trigger);
        var ack = (await CallAsync(new DurableTaskRequest { TriggerRuns = request }, cancellationToken).ConfigureAwait(false)).TriggerRunsAck;
        var entry = ack.RunEntries.Single();
        var done = await stream.WaitEntryAsync(taskId, invocation, entry.BranchId, entry.NodeId, cancellationToken).ConfigureAwait(false);
        return (entry.WorkflowRunExternalId, done);
    }

    public void Dispose() => _one.Dispose();

    private async Task<DurableTaskResponse> CallAsync(DurableTaskRequest request, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await stream.CallAsync(taskId, invocation, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }
}

using System.Collections.Concurrent;
using Grpc.Core;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Worker;

/// <summary>
/// The worker's <c>DurableTask</c> stream (the durable event-log protocol, engines from v0.80.0), shared by its durable
/// tasks. Opened on the first call with <c>register_worker</c>; a call (memo, wait, spawn) gets its ack by (task,
/// invocation), one at a time per invocation, and a waited entry its completion by (task, invocation, branch, node),
/// kept if it arrives before anyone waits. While entries are awaited the stream asks every second which of them ended
/// (<c>worker_status</c>), as the official SDKs do, so a completion lost with a broken stream still arrives. When the
/// stream breaks, calls waiting for their ack fail (the engine may have recorded them, so they cannot be sent again);
/// waits on entries go on.
/// </summary>
internal sealed class DurableLogStream(EngineConnection engine, WorkerSession session, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<(string TaskId, int Invocation), TaskCompletionSource<DurableTaskResponse>> _acks = new();
    private readonly ConcurrentDictionary<EntryKey, TaskCompletionSource<DurableTaskEventLogEntryCompletedResponse>> _entries = new();
    private readonly ConcurrentDictionary<EntryKey, int> _waiting = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly Lock _gate = new();
    private AsyncDuplexStreamingCall<DurableTaskRequest, DurableTaskResponse>? _call;
    private TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    /// <summary>Sends a memo, wait or spawn request and returns its ack.</summary>
    /// <param name="taskId">The durable task run's external id.</param>
    /// <param name="invocation">The invocation count.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The ack.</returns>
    /// <exception cref="DurableTaskException">The engine refused the call (nondeterminism, unknown task...).</exception>
    public async Task<DurableTaskResponse> CallAsync(string taskId, int invocation, DurableTaskRequest request, CancellationToken cancellationToken)
    {
        var ack = new TaskCompletionSource<DurableTaskResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_acks.TryAdd((taskId, invocation), ack))
        {
            throw new InvalidOperationException("a durable task makes one durable call at a time");
        }

        try
        {
            await WriteAsync(request, cancellationToken).ConfigureAwait(false);
            return await ack.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _acks.TryRemove(new KeyValuePair<(string, int), TaskCompletionSource<DurableTaskResponse>>((taskId, invocation), ack));
        }
    }

    /// <summary>Sends a request that has no answer (<c>complete_memo</c>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes once sent.</returns>
    public Task SendAsync(DurableTaskRequest request, CancellationToken cancellationToken) => WriteAsync(request, cancellationToken);

    /// <summary>Waits for an entry's completion.</summary>
    /// <param name="taskId">The durable task run's external id.</param>
    /// <param name="invocation">The invocation count.</param>
    /// <param name="branchId">The entry's branch.</param>
    /// <param name="nodeId">The entry's node.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The completion.</returns>
    public async Task<DurableTaskEventLogEntryCompletedResponse> WaitEntryAsync(string taskId, int invocation, long branchId, long nodeId, CancellationToken cancellationToken)
    {
        var key = new EntryKey(taskId, invocation, branchId, nodeId);
        var entry = Entry(key);
        _waiting[key] = 0;
        try
        {
            return await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _waiting.TryRemove(key, out _);
            if (entry.Task.IsCompleted)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Forgets an entry's completion that nobody will wait for (a memo's: its value comes with the ack).</summary>
    /// <param name="taskId">The durable task run's external id.</param>
    /// <param name="invocation">The invocation count.</param>
    /// <param name="branchId">The entry's branch.</param>
    /// <param name="nodeId">The entry's node.</param>
    public void Forget(string taskId, int invocation, long branchId, long nodeId) =>
        _entries.TryRemove(new EntryKey(taskId, invocation, branchId, nodeId), out _);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _writes.Dispose();
    }

    private TaskCompletionSource<DurableTaskEventLogEntryCompletedResponse> Entry(EntryKey key) =>
        _entries.GetOrAdd(key, _ => new TaskCompletionSource<DurableTaskEventLogEntryCompletedResponse>(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task WriteAsync(DurableTaskRequest request, CancellationToken cancellationToken)
    {
        Task opened;
        lock (_gate)
        {
            _loop ??= Task.Run(RunAsync, CancellationToken.None);
            opened = _opened.Task;
        }

        await opened.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var call = _call ?? throw new HatchetRpcException("DurableTask", new RpcException(new Status(StatusCode.Unavailable, "the durable task stream is not open")));
            await call.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            throw new HatchetRpcException("DurableTask", e as RpcException ?? new RpcException(new Status(StatusCode.Unavailable, e.Message)));
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            AsyncDuplexStreamingCall<DurableTaskRequest, DurableTaskResponse> call;
            try
            {
                call = engine.Durable.DurableTask(cancellationToken: ct);
                await call.RequestStream.WriteAsync(new DurableTaskRequest { RegisterWorker = new DurableTaskRequestRegisterWorker { WorkerId = session.WorkerId ?? string.Empty } }, ct).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException)
            {
                if (!await PauseAsync(ct).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            lock (_gate)
            {
                _call = call;
                _opened.TrySetResult();
            }

            using var status = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var polling = PollStatusAsync(status.Token);
            try
            {
                while (await call.ResponseStream.MoveNext(ct).ConfigureAwait(false))
                {
                    Dispatch(call.ResponseStream.Current);
                }
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
            {
                // Reopened below unless the worker stops.
            }
            finally
            {
                await status.CancelAsync().ConfigureAwait(false);
                await polling.ConfigureAwait(false);
                lock (_gate)
                {
                    _call = null;
                    _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                FailAcks(new HatchetRpcException("DurableTask", new RpcException(new Status(StatusCode.Unavailable, "the durable task stream broke before the engine answered"))));
                call.Dispose();
            }

            if (!await PauseAsync(ct).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private void Dispatch(DurableTaskResponse response)
    {
        switch (response.MessageCase)
        {
            case DurableTaskResponse.MessageOneofCase.MemoAck:
                Ack(response.MemoAck.Ref.DurableTaskExternalId, response.MemoAck.Ref.InvocationCount, response);
                break;
            case DurableTaskResponse.MessageOneofCase.WaitForAck:
                Ack(response.WaitForAck.Ref.DurableTaskExternalId, response.WaitForAck.Ref.InvocationCount, response);
                break;
            case DurableTaskResponse.MessageOneofCase.TriggerRunsAck:
                Ack(response.TriggerRunsAck.DurableTaskExternalId, response.TriggerRunsAck.InvocationCount, response);
                break;
            case DurableTaskResponse.MessageOneofCase.EntryCompleted:
                var r = response.EntryCompleted.Ref;
                Entry(new EntryKey(r.DurableTaskExternalId, r.InvocationCount, r.BranchId, r.NodeId)).TrySetResult(response.EntryCompleted);
                break;
            case DurableTaskResponse.MessageOneofCase.Error:
                var error = response.Error;
                var exception = new DurableTaskException(error.ErrorMessage, error.ErrorType == DurableTaskErrorType.Nondeterminism, error.Ref?.NodeId ?? 0);
                var at = error.Ref ?? new DurableEventLogEntryRef();
                if (_acks.TryGetValue((at.DurableTaskExternalId, at.InvocationCount), out var ack))
                {
                    ack.TrySetException(exception);
                }

                if (_entries.TryGetValue(new EntryKey(at.DurableTaskExternalId, at.InvocationCount, at.BranchId, at.NodeId), out var entry))
                {
                    entry.TrySetException(exception);
                }

                break;
            case DurableTaskResponse.MessageOneofCase.ServerEvict:
                // The invocation is stale (the task runs elsewhere now): whatever it waits on will not come here.
                var evict = response.ServerEvict;
                var stale = new DurableTaskException("the engine evicted this invocation: " + evict.Reason, false, 0);
                foreach (var (key, tcs) in _entries)
                {
                    if (key.TaskId == evict.DurableTaskExternalId && key.Invocation <= evict.InvocationCount)
                    {
                        tcs.TrySetException(stale);
                    }
                }

                foreach (var (key, tcs) in _acks)
                {
                    if (key.TaskId == evict.DurableTaskExternalId && key.Invocation <= evict.InvocationCount)
                    {
                        tcs.TrySetException(stale);
                    }
                }

                break;
        }
    }

    private void Ack(string taskId, int invocation, DurableTaskResponse response)
    {
        if (_acks.TryGetValue((taskId, invocation), out var ack))
        {
            ack.TrySetResult(response);
        }
    }

    private void FailAcks(Exception e)
    {
        foreach (var ack in _acks.Values)
        {
            ack.TrySetException(e);
        }
    }

    private async Task PollStatusAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(StatusInterval, time, ct).ConfigureAwait(false);
                var waiting = _waiting.Keys.Where(k => !Entry(k).Task.IsCompleted).ToList();
                if (waiting.Count == 0)
                {
                    continue;
                }

                var request = new DurableTaskWorkerStatusRequest { WorkerId = session.WorkerId ?? string.Empty };
                request.WaitingEntries.AddRange(waiting.Select(k => new DurableTaskAwaitedCompletedEntry
                {
                    DurableTaskExternalId = k.TaskId,
                    InvocationCount = k.Invocation,
                    BranchId = k.BranchId,
                    NodeId = k.NodeId,
                }));
                await WriteAsync(new DurableTaskRequest { WorkerStatus = request }, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HatchetRpcException)
        {
            // The stream ended; the next one polls again.
        }
    }

    private async Task<bool> PauseAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private readonly record struct EntryKey(string TaskId, int Invocation, long BranchId, long NodeId);
}

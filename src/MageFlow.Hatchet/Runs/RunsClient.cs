using System.Runtime.CompilerServices;
using System.Text.Json;
using Grpc.Core;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Runs;

/// <summary>
/// Runs of the tenant: follow them to their end, await their results, cancel them (gRPC); list, inspect, cancel and replay
/// them in bulk over the engine's REST API (RunsClient.Rest.cs).
/// </summary>
public sealed partial class RunsClient
{
    private readonly EngineConnection _engine;
    private readonly RunListener _listener;
    private readonly Func<string, string?> _outputTaskOf;
    private readonly RunsRest _restParts;

    internal RunsClient(EngineConnection engine, RunListener listener, JsonSerializerOptions json, Func<string, string?> outputTaskOf, RunsRest rest)
    {
        _engine = engine;
        _restParts = rest;
        _listener = listener;
        Json = json;
        _outputTaskOf = outputTaskOf;
    }

    internal JsonSerializerOptions Json { get; }

    /// <summary>Gets a reference to an existing run, to await its result.</summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="workflowName">The workflow's engine name, if known: for a task declared on this client it makes
    /// <see cref="WorkflowRunRef.ResultAsync{TOut}"/> read that task's output.</param>
    /// <returns>The reference.</returns>
    public WorkflowRunRef Get(string runId, string? workflowName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return new WorkflowRunRef(this, runId, workflowName ?? string.Empty, workflowName is null ? null : _outputTaskOf(workflowName));
    }

    /// <summary>Waits until a run has finished.</summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="cancellationToken">Stops waiting (the run goes on).</param>
    /// <returns>How the run ended.</returns>
    /// <exception cref="HatchetRpcException">The engine refused to report on the run (for example a rejected token).</exception>
    public Task<RunOutcome> WaitAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return _listener.WaitAsync(runId, cancellationToken);
    }

    /// <summary>
    /// Follows a run and tells <paramref name="observer"/> once when it finishes. One observer may follow any number
    /// of runs without a task per run; a run already followed is not followed twice. A dropped stream to the engine
    /// is reopened and loses no result.
    /// </summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="observer">Who to tell.</param>
    public void Watch(string runId, IRunObserver observer)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(observer);
        _listener.Watch(runId, observer);
    }

    /// <summary>
    /// Follows a run's events as the engine sends them (Hatchet's <c>SubscribeToWorkflowEvents</c>): task runs created,
    /// completed, failed or cancelled, the chunks tasks stream, and last the run's end, after which the sequence ends. A run
    /// that has already finished yields nothing. The engine keeps no events: only those after the subscription opens come.
    /// </summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="cancellationToken">Stops following (the run goes on).</param>
    /// <returns>The events, in the engine's order (stream chunks of a task in the order the task sent them).</returns>
    /// <exception cref="HatchetRpcException">The engine refused the subscription (for example an unknown run) or the stream broke.</exception>
    public IAsyncEnumerable<RunStreamEvent> SubscribeAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return ReadEventsAsync(new Protocol.SubscribeToWorkflowEventsRequest { WorkflowRunId = runId }, $"following run '{runId}'", cancellationToken);
    }

    /// <summary>
    /// Yields the chunks a run's tasks stream with <see cref="Tasks.TaskContext.PutStreamAsync(string, CancellationToken)"/>, in
    /// order, and ends when the run ends. Chunks sent before the subscription opens are not delivered.
    /// </summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="cancellationToken">Stops following (the run goes on).</param>
    /// <returns>The chunks as text.</returns>
    /// <exception cref="HatchetRpcException">The engine refused the subscription (for example an unknown run) or the stream broke.</exception>
    public async IAsyncEnumerable<string> SubscribeToStreamAsync(string runId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var evt in SubscribeAsync(runId, cancellationToken).ConfigureAwait(false))
        {
            if (evt.Kind == RunStreamEventKind.TaskStream)
            {
                yield return evt.Payload;
            }
        }
    }

    /// <summary>Cancels runs or task runs by id.</summary>
    /// <param name="ids">Workflow run ids or task run ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids the engine accepted: the requested ones (it cancels after answering).</returns>
    public async Task<IReadOnlyList<string>> CancelAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var request = new CancelTasksRequest();
        request.ExternalIds.AddRange(ids);
        var response = await _engine.CallAsync("CancelTasks", ct => _engine.Admin.CancelTasksAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.CancelledTasks;
    }

    private async IAsyncEnumerable<RunStreamEvent> ReadEventsAsync(Protocol.SubscribeToWorkflowEventsRequest request, string operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = _engine.Dispatcher.SubscribeToWorkflowEvents(request, cancellationToken: cancellationToken);
        while (true)
        {
            try
            {
                if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
            {
                throw new HatchetRpcException(operation, e);
            }

            var evt = RunStreamEvents.ToEvent(call.ResponseStream.Current);
            yield return evt;
            if (evt.IsLast)
            {
                yield break;
            }
        }
    }
}

using System.Text.Json;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Runs;

/// <summary>Runs of the tenant: follow them to their end, await their results, cancel them.</summary>
public sealed class RunsClient
{
    private readonly EngineConnection _engine;
    private readonly RunListener _listener;
    private readonly Func<string, string?> _outputTaskOf;

    internal RunsClient(EngineConnection engine, RunListener listener, JsonSerializerOptions json, Func<string, string?> outputTaskOf)
    {
        _engine = engine;
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
}

using System.Text.Json;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Runs;

/// <summary>A started run. Await its result with <see cref="ResultAsync(CancellationToken)"/>.</summary>
/// <remarks>
/// Layers on top of the SDK (a <see cref="Interceptors.HatchetInterceptor"/> that queues runs instead of starting
/// them at once, such as MageFlow's root tasks) derive from this class and supply the outcome themselves.
/// </remarks>
public class WorkflowRunRef
{
    private readonly RunsClient? _runs;
    private readonly string? _runId;
    private readonly JsonSerializerOptions _json;

    internal WorkflowRunRef(RunsClient runs, string runId, string workflowName, string? taskName)
    {
        _runs = runs;
        _runId = runId;
        _json = runs.Json;
        WorkflowName = workflowName;
        TaskName = taskName;
    }

    /// <summary>Initializes a new instance of the <see cref="WorkflowRunRef"/> class for a run that was queued
    /// rather than started: it has no run id yet, and <see cref="WaitForOutcomeAsync"/> must be overridden.</summary>
    /// <param name="workflowName">The workflow's engine name.</param>
    /// <param name="taskName">The task whose output is the run's output (a one-task workflow), or <see langword="null"/>.</param>
    /// <param name="queuedAs">The id under which the run was queued (for example a MageFlow signature id).</param>
    /// <param name="json">The JSON options for typed results.</param>
    protected WorkflowRunRef(string workflowName, string? taskName, string queuedAs, JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(json);
        WorkflowName = workflowName;
        TaskName = taskName;
        QueuedAs = queuedAs;
        _json = json;
    }

    /// <summary>Gets the workflow run id.</summary>
    /// <exception cref="InvalidOperationException">The run was queued (see <see cref="QueuedAs"/>) rather than started, so it has no id yet.</exception>
    public string RunId => _runId ?? throw new InvalidOperationException(
        $"this run of '{WorkflowName}' was queued as {QueuedAs} instead of being started, so it has no run id yet; await ResultAsync() instead");

    /// <summary>Gets the id under which an interceptor queued the run instead of starting it (a MageFlow signature id
    /// for a child captured by a root task), or <see langword="null"/> for a started run.</summary>
    public string? QueuedAs { get; }

    /// <summary>Gets the workflow's engine name.</summary>
    public string WorkflowName { get; }

    /// <summary>Gets the task whose output is the run's output (for a one-task workflow), or <see langword="null"/>.</summary>
    public string? TaskName { get; }

    /// <summary>Waits for the run to finish and returns every task's output.</summary>
    /// <param name="cancellationToken">Stops waiting (the run goes on).</param>
    /// <returns>The outputs by task name.</returns>
    /// <exception cref="TaskRunFailedException">The run failed or was cancelled.</exception>
    /// <exception cref="RunResultUnavailableException">The run finished, but its result (over about 3 MB, so read from the REST API) could not be read.</exception>
    public async Task<WorkflowRunResult> ResultAsync(CancellationToken cancellationToken = default) =>
        WorkflowRunResult.FromOutcome(await WaitForOutcomeAsync(cancellationToken).ConfigureAwait(false), _json);

    /// <summary>Waits for the run and reads its output as <typeparamref name="TOut"/>: the single task's output for a
    /// standalone task, else the object of all outputs by task name.</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The output.</returns>
    /// <exception cref="TaskRunFailedException">The run failed or was cancelled.</exception>
    /// <exception cref="RunResultUnavailableException">The run finished, but its result (over about 3 MB, so read from the REST API) could not be read.</exception>
    public async Task<TOut> ResultAsync<TOut>(CancellationToken cancellationToken = default)
    {
        var result = await ResultAsync(cancellationToken).ConfigureAwait(false);
        return result.Single<TOut>(TaskName);
    }

    /// <summary>Waits until the run has finished.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>How the run ended.</returns>
    protected virtual Task<RunOutcome> WaitForOutcomeAsync(CancellationToken cancellationToken) =>
        _runs is null
            ? throw new NotSupportedException($"{GetType().Name} must override {nameof(WaitForOutcomeAsync)}")
            : _runs.WaitAsync(RunId, cancellationToken);
}

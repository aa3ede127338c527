using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.Tasks;

/// <summary>A started run. Await its result with <see cref="ResultAsync(CancellationToken)"/>.</summary>
public sealed class WorkflowRunRef
{
    private readonly HatchetClient _client;
    private readonly string? _taskName;
    private readonly string? _runId;
    private readonly Func<CancellationToken, Task<WorkflowRunEvent>>? _deferred;

    internal WorkflowRunRef(HatchetClient client, string runId, string workflowName, string? taskName = null)
    {
        _client = client;
        _runId = runId;
        WorkflowName = workflowName;
        _taskName = taskName;
    }

    /// <summary>A run that a layer above the SDK queued instead of starting it (a child captured by a MageFlow root task).</summary>
    internal WorkflowRunRef(HatchetClient client, string workflowName, string? taskName, string queuedAs, Func<CancellationToken, Task<WorkflowRunEvent>> deferred)
    {
        _client = client;
        WorkflowName = workflowName;
        _taskName = taskName;
        QueuedAs = queuedAs;
        _deferred = deferred;
    }

    /// <summary>Gets the workflow run id.</summary>
    /// <exception cref="InvalidOperationException">The run was queued (see <see cref="QueuedAs"/>) rather than started, so it has no id yet.</exception>
    public string RunId => _runId ?? throw new InvalidOperationException(
        $"this run of '{WorkflowName}' was queued by MageFlow as signature {QueuedAs} (it starts when its root swarm has room), so it has no run id yet; await ResultAsync() instead");

    /// <summary>Gets the MageFlow signature id under which the run was queued instead of started (a child captured by a root task), or <see langword="null"/>.</summary>
    public string? QueuedAs { get; }

    /// <summary>Gets the workflow's engine name.</summary>
    public string WorkflowName { get; }

    /// <summary>Waits for the run to finish and returns every task's output.</summary>
    /// <param name="cancellationToken">Stops waiting (the run goes on).</param>
    /// <returns>The outputs by task name.</returns>
    /// <exception cref="TaskRunFailedException">The run failed or was cancelled.</exception>
    public async Task<WorkflowRunResult> ResultAsync(CancellationToken cancellationToken = default)
    {
        var evt = _deferred is not null
            ? await _deferred(cancellationToken).ConfigureAwait(false)
            : await _client.Listener.WaitAsync(RunId, cancellationToken).ConfigureAwait(false);
        return WorkflowRunResult.From(evt, _client.Options.JsonSerializerOptions);
    }

    /// <summary>Waits for the run and reads its output as <typeparamref name="TOut"/>: the single task's output for a
    /// standalone task, else the object of all outputs by task name.</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The output.</returns>
    /// <exception cref="TaskRunFailedException">The run failed or was cancelled.</exception>
    public async Task<TOut> ResultAsync<TOut>(CancellationToken cancellationToken = default)
    {
        var result = await ResultAsync(cancellationToken).ConfigureAwait(false);
        return result.Single<TOut>(_taskName);
    }
}

/// <summary>The outputs of a finished run, by task name.</summary>
public sealed class WorkflowRunResult
{
    private readonly JsonSerializerOptions _json;

    private WorkflowRunResult(string runId, IReadOnlyDictionary<string, JsonElement> outputs, JsonSerializerOptions json)
    {
        RunId = runId;
        Outputs = outputs;
        _json = json;
    }

    /// <summary>Gets the run id.</summary>
    public string RunId { get; }

    /// <summary>Gets the raw outputs by task name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get; }

    /// <summary>Reads one task's output.</summary>
    /// <typeparam name="T">The output type.</typeparam>
    /// <param name="taskName">The task's name.</param>
    /// <returns>The output.</returns>
    public T Get<T>(string taskName) =>
        Outputs.TryGetValue(taskName.ToLowerInvariant(), out var e)
            ? e.Deserialize<T>(_json)!
            : throw new KeyNotFoundException($"run {RunId} has no output for task '{taskName}' (has: {string.Join(", ", Outputs.Keys)})");

    internal T Single<T>(string? taskName)
    {
        if (taskName is not null && Outputs.ContainsKey(taskName))
        {
            return Get<T>(taskName);
        }

        if (Outputs.Count == 1)
        {
            return Outputs.Values.First().Deserialize<T>(_json)!;
        }

        return JsonSerializer.SerializeToElement(Outputs).Deserialize<T>(_json)!;
    }

    internal static WorkflowRunResult From(WorkflowRunEvent evt, JsonSerializerOptions json)
    {
        var errors = evt.Results.Where(r => r.HasError).ToDictionary(r => r.TaskName, r => r.Error, StringComparer.Ordinal);
        if (errors.Count > 0)
        {
            throw new TaskRunFailedException(evt.WorkflowRunId, errors);
        }

        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var r in evt.Results)
        {
            if (r.HasOutput)
            {
                using var doc = JsonDocument.Parse(string.IsNullOrEmpty(r.Output) ? "null" : r.Output);
                outputs[r.TaskName] = doc.RootElement.Clone();
            }
        }

        return new WorkflowRunResult(evt.WorkflowRunId, outputs, json);
    }
}

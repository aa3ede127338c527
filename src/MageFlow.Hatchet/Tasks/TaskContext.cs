using System.Text.Json;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.Tasks;

/// <summary>What a running task knows about its run, and what it can ask of the engine.</summary>
public class TaskContext
{
    private static readonly AsyncLocal<TaskContext?> CurrentContext = new();
    private readonly AssignedAction _action;
    private readonly ITaskRunServices _services;
    private readonly JsonElement _payload;
    private int _childIndex = -1;
    private long _streamIndex = -1;

    internal TaskContext(AssignedAction action, TaskDefinition definition, JsonElement payload, IReadOnlyDictionary<string, JsonElement> metadata, ITaskRunServices services, CancellationToken cancellationToken)
    {
        _action = action;
        _payload = payload;
        _services = services;
        Definition = definition;
        AdditionalMetadata = metadata;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the context of the task whose code is running on this async flow, if any.</summary>
    public static TaskContext? Current => CurrentContext.Value;

    /// <summary>Gets the workflow run id.</summary>
    public string WorkflowRunId => _action.WorkflowRunId;

    /// <summary>Gets the task run id (the id every other call keys on).</summary>
    public string TaskRunExternalId => _action.TaskRunExternalId;

    /// <summary>Gets the task's readable name.</summary>
    public string TaskName => _action.TaskName;

    /// <summary>Gets the action id (<c>workflow:task</c>).</summary>
    public string ActionId => _action.ActionId;

    /// <summary>Gets the engine's retry count: 0 on the first attempt. It counts application retries, and also
    /// reassignments from lost workers and internal retries (see <see cref="FailsForGood"/>).</summary>
    public int RetryCount => _action.RetryCount;

    /// <summary>Gets the run's priority as the engine assigned it: 1 (lowest) to 3, as the trigger or the task's default set it.</summary>
    public int Priority => _action.Priority;

    /// <summary>Gets the worker id.</summary>
    public string WorkerId => _services.WorkerId;

    /// <summary>Gets the run's metadata.</summary>
    public IReadOnlyDictionary<string, JsonElement> AdditionalMetadata { get; }

    /// <summary>Gets the key of the event that triggered the run, if an event did.</summary>
    public string? TriggeringEventKey => _action.HasTriggeringEventKey ? _action.TriggeringEventKey : null;

    /// <summary>Gets the id of the parent run (a parent task id when the parent is a DAG task), when this run is a child.</summary>
    public string? ParentWorkflowRunId => _action.HasParentWorkflowRunId ? _action.ParentWorkflowRunId : null;

    /// <summary>Gets the token cancelled when the engine cancels this attempt (cancel, timeout) or the worker stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Gets the payload of the event filter that let the triggering event start this run (<see cref="DefaultEventFilter"/>),
    /// or an undefined element when no filter applied.
    /// </summary>
    public JsonElement FilterPayload =>
        _payload.TryGetProperty("triggers", out var triggers) && triggers.ValueKind == JsonValueKind.Object &&
        triggers.TryGetProperty("filter_payload", out var filter) && filter.ValueKind == JsonValueKind.Object
            ? filter
            : default;

    /// <summary>Gets the raw run input.</summary>
    public JsonElement Input => _payload.TryGetProperty("input", out var input) ? input : default;

    /// <summary>Gets the errors of the failed tasks, by task name (on-failure tasks only).</summary>
    public IReadOnlyDictionary<string, string> TaskErrors =>
        _payload.TryGetProperty("step_run_errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>();

    /// <summary>Gets the workflow or standalone task this task belongs to.</summary>
    public WorkflowDeclarationBase Workflow => Definition.Owner;

    /// <summary>Gets a value indicating whether this task is the whole run: the only task of its workflow, not a step of a
    /// DAG nor an on-failure task. Its end is then the run's end.</summary>
    public bool IsWholeRun => Definition.IsWholeRun;

    /// <summary>Gets state that interceptors and helpers keep for this attempt (thread-safe).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, object?> Items { get; } = new(StringComparer.Ordinal);

    internal AssignedAction Action => _action;

    internal TaskDefinition Definition { get; }

    /// <summary>
    /// Returns whether the engine will certainly not run this task again once this attempt fails with
    /// <paramref name="error"/>: a <see cref="Exceptions.NonRetryableException"/>, or a task declared without retries.
    /// Otherwise it may retry. <see cref="RetryCount"/> cannot tell the last application attempt: the engine also raises
    /// it when it reassigns a task from a lost worker or retries an internal failure, and counts application retries
    /// apart. The run's end event says how the run ended.
    /// </summary>
    /// <param name="error">The failure.</param>
    /// <returns><see langword="true"/> when no retry can follow.</returns>
    public bool FailsForGood(Exception error) => error is Exceptions.NonRetryableException || Definition.Options.Retries == 0;

    /// <summary>Reads the output of a completed parent task.</summary>
    /// <typeparam name="T">The output type.</typeparam>
    /// <param name="parentTaskName">The parent's name.</param>
    /// <returns>The output.</returns>
    /// <exception cref="KeyNotFoundException">The task has no such completed parent.</exception>
    public T ParentOutput<T>(string parentTaskName)
    {
        if (_payload.TryGetProperty("parents", out var parents) && parents.ValueKind == JsonValueKind.Object &&
            parents.TryGetProperty(parentTaskName.ToLowerInvariant(), out var output))
        {
            return output.Deserialize<T>(_services.Json)!;
        }

        throw new KeyNotFoundException($"task '{TaskName}' has no completed parent '{parentTaskName}'");
    }

    /// <summary>Sends a log line to the engine (Hatchet's <c>PutLog</c>), attached to this task run.</summary>
    /// <param name="message">The line; truncated to 10,000 characters.</param>
    /// <param name="level">DEBUG, INFO, WARN or ERROR.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has the line.</returns>
    public Task LogAsync(string message, string level = "INFO", CancellationToken cancellationToken = default) =>
        _services.LogAsync(this, message.Length > 10_000 ? message[..10_000] : message, level, cancellationToken);

    /// <summary>Streams a chunk of text to the run's subscribers; see <see cref="PutStreamAsync(string, CancellationToken)"/>.</summary>
    /// <param name="text">The chunk.</param>
    /// <returns>A task that completes when the engine has the chunk.</returns>
    public Task PutStreamAsync(string text) => PutStreamAsync(text, CancellationToken.None);

    /// <summary>Streams a chunk of bytes to the run's subscribers; see <see cref="PutStreamAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    /// <param name="bytes">The chunk.</param>
    /// <returns>A task that completes when the engine has the chunk.</returns>
    public Task PutStreamAsync(ReadOnlyMemory<byte> bytes) => PutStreamAsync(bytes, CancellationToken.None);

    /// <summary>
    /// Streams a chunk of text to the run's subscribers (Hatchet's <c>PutStreamEvent</c>), sent as UTF-8. Each chunk carries
    /// the next index of this attempt, so subscribers get the chunks in the order of these calls even when the calls overlap.
    /// The engine keeps no chunk: only subscriptions open at the time receive it.
    /// </summary>
    /// <param name="text">The chunk.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has the chunk.</returns>
    public Task PutStreamAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PutStreamAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    /// <summary>
    /// Streams a chunk of bytes to the run's subscribers (Hatchet's <c>PutStreamEvent</c>). The engine hands the bytes on as
    /// the event's string payload, so subscribers read them as UTF-8 text.
    /// </summary>
    /// <param name="bytes">The chunk.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the engine has the chunk.</returns>
    public Task PutStreamAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        _services.PutStreamAsync(this, bytes, Interlocked.Increment(ref _streamIndex), cancellationToken);

    /// <summary>Extends this attempt's execution timeout.</summary>
    /// <param name="by">How much longer the attempt may run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new deadline.</returns>
    public Task<DateTimeOffset> RefreshTimeoutAsync(TimeSpan by, CancellationToken cancellationToken = default) =>
        _services.RefreshTimeoutAsync(this, by, cancellationToken);

    /// <summary>Frees this task's worker slot while it keeps running (for tasks that mostly wait).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the slot is free.</returns>
    public Task ReleaseSlotAsync(CancellationToken cancellationToken = default) => _services.ReleaseSlotAsync(this, cancellationToken);

    internal static IDisposable Enter(TaskContext context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return new Restore(previous);
    }

    internal int NextChildIndex() => Interlocked.Increment(ref _childIndex);

    private sealed class Restore(TaskContext? previous) : IDisposable
    {
        public void Dispose() => CurrentContext.Value = previous;
    }
}

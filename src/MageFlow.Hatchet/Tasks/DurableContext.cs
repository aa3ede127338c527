using System.Text.Json;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks.Conditions;

namespace MageFlow.Hatchet.Tasks;

/// <summary>
/// The context of a durable task: waits, spawns and memoized steps that the engine records, so they survive the worker.
/// <para>Against an engine that serves the durable event log (Hatchet v0.80.0 and later, as the TypeScript SDK decides
/// from <c>GetVersion</c>), each call is the next node of the task's log. When the task runs again (its worker died, or
/// it was evicted while waiting), every call made before finds its record: a sleep keeps its first deadline, a wait
/// already over and a child already spawned return at once with the same result, and <see cref="MemoAsync{T}"/> returns
/// the recorded value without running its step again. The task's code must therefore make the same calls in the same
/// order on every run; a replay that asks for something else fails with a <see cref="Exceptions.DurableTaskException"/>
/// whose <see cref="Exceptions.DurableTaskException.IsNonDeterminism"/> is set.</para>
/// <para>Against an older engine, waits use <c>RegisterDurableEvent</c> under keys counted from the start of the task
/// (<c>waitFor-0</c>, …), as the official SDKs do; memoized steps then run on every attempt, and spawns are ordinary
/// child runs (deduped by the engine by their index).</para>
/// </summary>
public sealed class DurableContext : TaskContext
{
    private readonly ITaskRunServices _services;
    private DurableLogCalls? _log;
    private int _waitKey = -1;

    internal DurableContext(AssignedAction action, TaskDefinition definition, JsonElement payload, IReadOnlyDictionary<string, JsonElement> metadata, ITaskRunServices services, CancellationToken cancellationToken)
        : base(action, definition, payload, metadata, services, cancellationToken)
    {
        _services = services;
        InvocationCount = action.HasDurableTaskInvocationCount ? action.DurableTaskInvocationCount : 1;
    }

    /// <summary>Gets the invocation of the task's event log this run is: 1 the first time, one more each time the task
    /// is assigned again (a lost worker, an eviction, a retry).</summary>
    public int InvocationCount { get; }

    /// <summary>Sleeps on the engine's clock.</summary>
    /// <param name="duration">How long, whole seconds or more.</param>
    /// <param name="cancellationToken">Stops waiting here (the engine's record stays).</param>
    /// <returns>A task that completes when the sleep is over.</returns>
    public async Task SleepForAsync(TimeSpan duration, CancellationToken cancellationToken = default) =>
        await WaitForAsync([new SleepCondition(duration)], cancellationToken).ConfigureAwait(false);

    /// <summary>Sleeps until a time. Over the event log the start is <see cref="NowAsync"/> (recorded, so a replay
    /// sleeps until the same time); otherwise the worker's <see cref="HatchetClientOptions.TimeProvider"/> when the wait
    /// is first registered.</summary>
    /// <param name="time">When to wake.</param>
    /// <param name="cancellationToken">Stops waiting here.</param>
    /// <returns>A task that completes when the sleep is over.</returns>
    public async Task SleepUntilAsync(DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        var now = await Log(cancellationToken).ConfigureAwait(false) is null ? _services.Time.GetUtcNow() : await NowAsync(cancellationToken).ConfigureAwait(false);
        var seconds = Math.Max(1, Math.Ceiling((time - now).TotalSeconds));
        await SleepForAsync(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a user event with the key whose payload makes the expression hold, and returns the payload.</summary>
    /// <typeparam name="T">The payload's type.</typeparam>
    /// <param name="eventKey">The event key, as pushed.</param>
    /// <param name="expression">A CEL expression over <c>input</c> (the payload), or null for any event with the key.</param>
    /// <param name="cancellationToken">Stops waiting here.</param>
    /// <returns>The event's payload.</returns>
    public async Task<T> WaitForEventAsync<T>(string eventKey, string? expression = null, CancellationToken cancellationToken = default)
    {
        var data = await WaitForAsync([new UserEventCondition(eventKey, expression)], cancellationToken).ConfigureAwait(false);
        foreach (var key in data.EnumerateObject())
        {
            if (key.Value.ValueKind == JsonValueKind.Array && key.Value.GetArrayLength() > 0)
            {
                return key.Value[0].Deserialize<T>(_services.Json)!;
            }
        }

        throw new InvalidOperationException($"the engine ended the wait for '{eventKey}' without the event's payload");
    }

    /// <summary>Waits until the conditions hold: all of them, each <see cref="Condition.Or"/> group by any alternative.</summary>
    /// <param name="conditions">Sleep and user event conditions.</param>
    /// <param name="cancellationToken">Stops waiting here.</param>
    /// <returns>The data of the conditions that held, by their readable key (<c>sleep:10s</c>, the event key), each a
    /// list: <c>{"sleep:10s": [{"sleep_duration": "10s"}], "order:paid": [{...payload...}]}</c>.</returns>
    public async Task<JsonElement> WaitForAsync(IEnumerable<Condition> conditions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var set = new ConditionSet();
        set.AddAll(conditions, Protocol.V1.Action.Create);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken);
        string json;
        if (await Log(linked.Token).ConfigureAwait(false) is { } log)
        {
            json = await log.WaitAsync(set.ToDurable(), linked.Token).ConfigureAwait(false);
        }
        else
        {
            var signalKey = "waitFor-" + Interlocked.Increment(ref _waitKey).ToString(System.Globalization.CultureInfo.InvariantCulture);
            json = await _services.WaitDurableAsync(this, signalKey, set.ToDurable(), linked.Token).ConfigureAwait(false);
        }

        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("CREATE", out var created) ? created.Clone() : doc.RootElement.Clone();
    }

    /// <summary>
    /// Runs a step once: over the event log its result is recorded under <paramref name="key"/>, and a replay of the
    /// task returns the recorded result without running the step again. Use it for side effects and for values that
    /// must not change between runs (ids, times, random numbers). Against an older engine the step runs every time.
    /// </summary>
    /// <typeparam name="T">The result's type (serialized with the client's JSON options).</typeparam>
    /// <param name="key">The step's key, unique within the task.</param>
    /// <param name="step">The step.</param>
    /// <param name="cancellationToken">Cancels the step and the engine calls.</param>
    /// <returns>The step's result, recorded or fresh.</returns>
    public async Task<T> MemoAsync<T>(string key, Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(step);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken);
        return await Log(linked.Token).ConfigureAwait(false) is { } log
            ? await log.MemoAsync(key, step, _services.Json, linked.Token).ConfigureAwait(false)
            : await step(linked.Token).ConfigureAwait(false);
    }

    /// <summary>The current time, recorded on the first run (see <see cref="MemoAsync{T}"/>): every replay gets the same.</summary>
    /// <param name="cancellationToken">Cancels the engine call.</param>
    /// <returns>The time.</returns>
    public Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default) =>
        MemoAsync("now", _ => Task.FromResult(_services.Time.GetUtcNow()), cancellationToken);

    /// <summary>
    /// Runs a task as a child of this one and waits for its output. Over the event log the spawn is recorded: a replay
    /// gets the same child run (and its output once it ended) instead of starting another. Against an older engine it
    /// is <see cref="TaskDeclaration{TIn, TOut}.RunAsync"/>.
    /// </summary>
    /// <typeparam name="TIn">The child's input type.</typeparam>
    /// <typeparam name="TOut">The child's output type.</typeparam>
    /// <param name="task">The child task.</param>
    /// <param name="input">Its input.</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Stops waiting (the child goes on).</param>
    /// <returns>The child's output.</returns>
    /// <exception cref="Exceptions.TaskRunFailedException">The child failed or was cancelled.</exception>
    public async Task<TOut> SpawnAsync<TIn, TOut>(TaskDeclaration<TIn, TOut> task, TIn input, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken);
        if (await Log(linked.Token).ConfigureAwait(false) is not { } log)
        {
            return await task.RunAsync(input, options, linked.Token).ConfigureAwait(false);
        }

        var inputJson = JsonSerializer.Serialize(input, _services.Json);
        using (Enter(this))
        {
            var trigger = Triggering.TriggerRequests.ToProto(Triggering.TriggerRunFactory.Create(task.WorkflowName, inputJson, options, task.DefaultMetadata));
            var (runId, done) = await log.SpawnAsync(trigger, linked.Token).ConfigureAwait(false);
            if (done.IsFailure)
            {
                throw new Exceptions.TaskRunFailedException(runId, new Dictionary<string, string>(StringComparer.Ordinal) { [task.TaskName] = done.ErrorMessage });
            }

            return JsonSerializer.Deserialize<TOut>(done.Payload.Span, _services.Json)!;
        }
    }

    /// <summary>The event-log calls of this invocation, or <see langword="null"/> when the engine predates the log.</summary>
    private async Task<DurableLogCalls?> Log(CancellationToken cancellationToken)
    {
        if (_log is not null)
        {
            return _log;
        }

        if (!await _services.UsesDurableEventLogAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var calls = new DurableLogCalls(_services.DurableLog, TaskRunExternalId, InvocationCount);
        return Interlocked.CompareExchange(ref _log, calls, null) ?? calls;
    }
}

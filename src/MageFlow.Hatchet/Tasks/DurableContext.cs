using System.Text.Json;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks.Conditions;

namespace MageFlow.Hatchet.Tasks;

/// <summary>
/// The context of a durable task: waits that the engine keeps, so they survive the worker. Each wait is registered
/// under a key counted from the start of the task (<c>waitFor-0</c>, <c>waitFor-1</c>, …), as the official SDKs count
/// them: when the task is run again (its worker died), the same wait finds the engine's record, so a sleep keeps its
/// first deadline and a wait already over returns at once with the same data. Code between waits runs again on a new
/// attempt; children spawned from the task are not (the engine dedupes them by their index), so put side effects that
/// must happen once in a child, or after the last wait.
/// </summary>
public sealed class DurableContext : TaskContext
{
    private readonly ITaskRunServices _services;
    private int _waitKey = -1;

    internal DurableContext(AssignedAction action, TaskDefinition definition, JsonElement payload, IReadOnlyDictionary<string, JsonElement> metadata, ITaskRunServices services, CancellationToken cancellationToken)
        : base(action, definition, payload, metadata, services, cancellationToken)
    {
        _services = services;
    }

    /// <summary>Sleeps on the engine's clock.</summary>
    /// <param name="duration">How long, whole seconds or more.</param>
    /// <param name="cancellationToken">Stops waiting here (the engine's record stays).</param>
    /// <returns>A task that completes when the sleep is over.</returns>
    public async Task SleepForAsync(TimeSpan duration, CancellationToken cancellationToken = default) =>
        await WaitForAsync([new SleepCondition(duration)], cancellationToken).ConfigureAwait(false);

    /// <summary>Sleeps until a time, by the worker's <see cref="HatchetClientOptions.TimeProvider"/> when the wait is
    /// first registered; a replay keeps that first deadline.</summary>
    /// <param name="time">When to wake.</param>
    /// <param name="cancellationToken">Stops waiting here.</param>
    /// <returns>A task that completes when the sleep is over.</returns>
    public Task SleepUntilAsync(DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        var seconds = Math.Max(1, Math.Ceiling((time - _services.Time.GetUtcNow()).TotalSeconds));
        return SleepForAsync(TimeSpan.FromSeconds(seconds), cancellationToken);
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
        var signalKey = "waitFor-" + Interlocked.Increment(ref _waitKey).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken);
        var json = await _services.WaitDurableAsync(this, signalKey, set.ToDurable(), linked.Token).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("CREATE", out var created) ? created.Clone() : doc.RootElement.Clone();
    }
}

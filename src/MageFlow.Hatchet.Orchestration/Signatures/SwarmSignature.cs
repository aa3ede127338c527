using MageFlow.Hatchet.Orchestration.Diagnostics;
using MageFlow.Hatchet.Orchestration.Exceptions;
using MageFlow.Hatchet.Orchestration.Internal;

namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>A swarm: signatures run in parallel under a concurrency limit.</summary>
public sealed class SwarmSignature : Signature
{
    internal SwarmSignature(MageFlowServices services, string id, string name)
        : base(services, id, SignatureKind.Swarm, name)
    {
    }

    /// <summary>Adds an item. If the swarm runs and has room, the item starts now.</summary>
    /// <param name="task">The item.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the item is added.</returns>
    /// <exception cref="MageFlowStateException">The swarm is closed, full or canceled.</exception>
    public Task AddTaskAsync(Signature task, CancellationToken cancellationToken = default) => AddManyAsync([(task, null)], cancellationToken);

    /// <summary>Adds items in one atomic step.</summary>
    /// <param name="tasks">The items.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the items are added.</returns>
    /// <exception cref="MageFlowStateException">The swarm is closed, full or canceled, or an item belongs elsewhere.</exception>
    public Task AddTasksAsync(IEnumerable<Signature> tasks, CancellationToken cancellationToken = default) =>
        AddManyAsync([.. (tasks ?? throw new ArgumentNullException(nameof(tasks))).Select(t => (t, (object?)null))], cancellationToken);

    /// <summary>Adds an item with its own message (merged with the swarm's shared message and bound input).</summary>
    /// <param name="task">The item.</param>
    /// <param name="message">Its message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the item is added.</returns>
    public Task RunInSwarmAsync(Signature task, object? message, CancellationToken cancellationToken = default) => AddManyAsync([(task, message)], cancellationToken);

    /// <summary>Adds items, each with its own message.</summary>
    /// <param name="tasks">The items.</param>
    /// <param name="messages">One message per item.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the items are added.</returns>
    /// <exception cref="ArgumentException">The counts differ.</exception>
    public Task RunTasksInSwarmAsync(IReadOnlyList<Signature> tasks, IReadOnlyList<object?> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(messages);
        if (tasks.Count != messages.Count)
        {
            throw new ArgumentException($"swarm {Name} ({Id}) needs one message per task: {tasks.Count} task(s), {messages.Count} message(s)", nameof(messages));
        }

        return AddManyAsync([.. tasks.Zip(messages, (t, m) => (t, m))], cancellationToken);
    }

    /// <summary>Closes the swarm: no more items. Callbacks fire once every item has finished.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the swarm is closed.</returns>
    /// <exception cref="MageFlowStateException">The swarm does not exist.</exception>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        var reply = await Services.Scripts.SwarmClose.RunAsync(Id, cancellationToken).ConfigureAwait(false);
        if (reply.Status == "missing")
        {
            throw new MageFlowStateException($"swarm {Name} ({Id}) does not exist (removed or expired)", "missing");
        }

        await Services.Publishing.PublishAsync(reply.Queued, cancellationToken).ConfigureAwait(false);
    }

    internal async Task AddManyAsync(IReadOnlyList<(Signature Task, object? Message)> items, CancellationToken cancellationToken) =>
        await AddManyAsync(items, cancelIfStopped: false, cancellationToken).ConfigureAwait(false);

    /// <summary>Adds items. With <paramref name="cancelIfStopped"/> (a root body's children), items that cannot join a swarm
    /// that has stopped are canceled and the call returns <see langword="false"/> instead of throwing.</summary>
    internal async Task<bool> AddManyAsync(IReadOnlyList<(Signature Task, object? Message)> items, bool cancelIfStopped, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return true;
        }

        using var span = MageFlowTelemetry.Source.StartActivity(MageFlowTelemetry.SwarmSpan);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("mageflow.swarm_id", Id);
            span.SetTag("mageflow.swarm_name", Name);
            span.SetTag("mageflow.swarm.items", items.Count);
        }

        // Items from other slot buckets move into the swarm's first (copy-on-link): a swarm's items share its slot.
        await new CopyOnLink(Services).IntoAsync(State.SignatureBucket.Of(Id), items.Select(i => i.Task), $"swarm {Name} ({Id})", cancellationToken).ConfigureAwait(false);
        var reply = await Services.Scripts.SwarmAdd.RunAsync(
            Id,
            [.. items.Select(i => (i.Task.Id, i.Message is null ? string.Empty : Services.Serialize(i.Message)))],
            cancelIfStopped,
            cancellationToken).ConfigureAwait(false);
        if (cancelIfStopped && reply.Status is "closed" or "canceled")
        {
            return false;
        }

        if (reply.Status != "ok")
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, reply.Status);
            var parts = reply.Status.Split(':');
            throw new MageFlowStateException(parts[0] switch
            {
                "closed" => $"cannot add to swarm {Name} ({Id}): it is closed",
                "canceled" => $"cannot add to swarm {Name} ({Id}): it was canceled",
                "full" => $"cannot add {items.Count} item(s) to swarm {Name} ({Id}): it allows at most {parts[1]} (SwarmConfig.MaxTasks, Python MageFlow's max_task_allowed)",
                "missing" when parts.Length > 1 => $"cannot add to swarm {Name} ({Id}): signature {parts[1]} does not exist",
                "missing" => $"swarm {Name} ({Id}) does not exist (removed or expired)",
                "owned" => $"cannot add signature {parts[1]} to swarm {Name} ({Id}): it already belongs to {parts[2]}",
                _ => $"cannot add to swarm {Name} ({Id}): {reply.Status}",
            }, parts[0]);
        }

        MageFlowTelemetry.SwarmItemsQueued.Add(items.Count);

        // Items are queued durably in Redis; publishing them must not hold up the caller (a root body adding
        // thousands of children), and a failed publish is retried by the sweeper.
        Services.Publishing.Enqueue(reply.Queued);
        return true;
    }
}

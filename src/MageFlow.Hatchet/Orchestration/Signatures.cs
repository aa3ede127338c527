using System.Text.Json;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>A stored description of future work (a task, chain or swarm) with its callbacks and status.</summary>
public abstract class Signature
{
    private protected Signature(Mageflow mageflow, string id, string kind, string name)
    {
        Mageflow = mageflow;
        Id = id;
        Kind = kind;
        Name = name;
    }

    /// <summary>Gets the signature's id (its Redis key is <c>{prefix}:sig:&lt;id&gt;</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the kind: <c>task</c>, <c>chain</c> or <c>swarm</c>.</summary>
    public string Kind { get; }

    /// <summary>Gets the name: the engine task name for tasks, the chain or swarm name otherwise.</summary>
    public string Name { get; }

    internal Mageflow Mageflow { get; }

    private RootBuffer? _joinedRoot;

    /// <summary>Publishes the signature with a message and returns at once.</summary>
    /// <param name="message">The message (merged with the bound kwargs).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the work is queued.</returns>
    /// <exception cref="MageflowStateException">The signature is missing, finished, already started, or belongs to a chain or swarm.</exception>
    public virtual async Task RunNoWaitAsync(object? message = null, CancellationToken cancellationToken = default)
    {
        if (MageflowScope.Current is { } scope && scope.Mageflow == Mageflow && scope.SwarmId != Id)
        {
            // Inside a root task body: join its swarm and run under its limit.
            await scope.Buffer.AddAsync(this, message ?? new object(), cancellationToken).ConfigureAwait(false);
            _joinedRoot = scope.Buffer;
            return;
        }

        var (status, publish) = await Mageflow.Store.EvalWithPublishAsync("run", Id, Mageflow.Serialize(message)).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (status != "ok" && status != "started")
        {
            throw new MageflowStateException(status switch
            {
                "missing" => $"{Kind} {Id} does not exist (removed or expired)",
                _ when status.StartsWith("contained:", StringComparison.Ordinal) => $"{Kind} {Id} belongs to {status[10..]}; run that instead",
                _ => $"{Kind} {Id} cannot run: it is {status[(status.IndexOf(':', StringComparison.Ordinal) + 1)..]}",
            }, status.Split(':')[0]);
        }

        await Mageflow.Tracker.PublishAsync(publish, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes the signature and waits until it finishes (callbacks included in its state, not awaited).</summary>
    /// <typeparam name="T">The result type (a list for swarms).</typeparam>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The result.</returns>
    /// <exception cref="SignatureFailedException">It failed or was canceled.</exception>
    public async Task<T> RunAsync<T>(object? message = null, CancellationToken cancellationToken = default)
    {
        await RunNoWaitAsync(message, cancellationToken).ConfigureAwait(false);
        return await ResultAsync<T>(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the signature finishes and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The result.</returns>
    /// <exception cref="SignatureFailedException">It failed or was canceled.</exception>
    public async Task<T> ResultAsync<T>(CancellationToken cancellationToken = default)
    {
        if (_joinedRoot is { } buffer)
        {
            await buffer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var all = await Mageflow.WaitFinishedAsync(Id, cancellationToken).ConfigureAwait(false);
        string? Get(string name) => all.FirstOrDefault(e => e.Name == name).Value;
        var status = Get("status")!;
        if (status != "done")
        {
            throw new SignatureFailedException(Id, status, Get("error"));
        }

        return JsonSerializer.Deserialize<T>(Get("result") ?? "null", Mageflow.Client.Options.JsonSerializerOptions)!;
    }

    /// <summary>Gets the current status: pending, active, suspended, interrupted, done, failed or canceled.</summary>
    /// <returns>The status, or <see langword="null"/> when the record is gone.</returns>
    public async Task<string?> GetStatusAsync() =>
        await Mageflow.Store.Do(db => db.HashGetAsync(Mageflow.Store.SigKey(Id), "status")).ConfigureAwait(false);

    /// <summary>Suspends: work that has not started will not start until resumed; a running task keeps running.</summary>
    /// <returns>A task that completes when the state is saved.</returns>
    public Task SuspendAsync() => LifecycleAsync("suspend");

    /// <summary>Interrupts: like suspend, and running tasks are cancelled in the engine.</summary>
    /// <returns>A task that completes when the state is saved and cancels are sent.</returns>
    public Task InterruptAsync() => LifecycleAsync("interrupt");

    /// <summary>Resumes after a suspend or interrupt: returns to the previous status and publishes work that was held back.</summary>
    /// <returns>A task that completes when held work is republished.</returns>
    public Task ResumeAsync() => LifecycleAsync("resume");

    /// <summary>Cancels: it never runs (running tasks are cancelled), its callbacks never fire, and its record expires soon.</summary>
    /// <returns>A task that completes when the state is saved and cancels are sent.</returns>
    public Task CancelAsync() => LifecycleAsync("cancel");

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {Name} ({Id})";

    private async Task LifecycleAsync(string operation)
    {
        var result = (RedisResult[])(await Mageflow.Store.EvalAsync("lifecycle", Id, operation).ConfigureAwait(false))!;
        var status = (string)result[0]!;
        if (status == "missing")
        {
            throw new MageflowStateException($"{Kind} {Id} does not exist (removed or expired)", "missing");
        }

        var values = result.Skip(1).Select(r => (string)r!).ToList();
        var split = values.IndexOf("|");
        var publish = values.Take(split).ToArray();
        var cancel = values.Skip(split + 1).ToArray();
        if (cancel.Length > 0)
        {
            await Mageflow.Client.CancelAsync(cancel).ConfigureAwait(false);
        }

        await Mageflow.Tracker.PublishAsync(publish, CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>A signed task.</summary>
public sealed class TaskSignature : Signature
{
    internal TaskSignature(Mageflow mageflow, string id, string name)
        : base(mageflow, id, "task", name)
    {
    }
}

/// <summary>A chain of signatures run one after another.</summary>
public sealed class ChainSignature : Signature
{
    internal ChainSignature(Mageflow mageflow, string id, string name)
        : base(mageflow, id, "chain", name)
    {
    }
}

/// <summary>A swarm: signatures run in parallel under a concurrency limit.</summary>
public sealed class SwarmSignature : Signature
{
    internal SwarmSignature(Mageflow mageflow, string id, string name)
        : base(mageflow, id, "swarm", name)
    {
    }

    /// <summary>Adds an item. If the swarm runs and has room, the item starts now.</summary>
    /// <param name="task">The item.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the item is added.</returns>
    /// <exception cref="MageflowStateException">The swarm is closed, full or canceled.</exception>
    public Task AddTaskAsync(Signature task, CancellationToken cancellationToken = default) => AddAsync([(task, null)], cancellationToken);

    /// <summary>Adds items in one atomic step.</summary>
    /// <param name="tasks">The items.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the items are added.</returns>
    public Task AddTasksAsync(IEnumerable<Signature> tasks, CancellationToken cancellationToken = default) =>
        AddAsync(tasks.Select(t => (t, (object?)null)).ToList(), cancellationToken);

    /// <summary>Adds an item with its own message (merged with the swarm's shared message and kwargs).</summary>
    /// <param name="task">The item.</param>
    /// <param name="message">Its message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the item is added.</returns>
    public Task RunInSwarmAsync(Signature task, object? message, CancellationToken cancellationToken = default) => AddAsync([(task, message)], cancellationToken);

    /// <summary>Adds items, each with its own message.</summary>
    /// <param name="tasks">The items.</param>
    /// <param name="messages">One message per item.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the items are added.</returns>
    /// <exception cref="ArgumentException">The counts differ.</exception>
    public Task RunTasksInSwarmAsync(IReadOnlyList<Signature> tasks, IReadOnlyList<object?> messages, CancellationToken cancellationToken = default)
    {
        if (tasks.Count != messages.Count)
        {
            throw new ArgumentException($"run_tasks_in_swarm needs one message per task: {tasks.Count} task(s), {messages.Count} message(s)", nameof(messages));
        }

        return AddAsync(tasks.Zip(messages, (t, m) => (t, m)).ToList(), cancellationToken);
    }

    /// <summary>Closes the swarm: no more items. Callbacks fire once every item has finished.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the swarm is closed.</returns>
    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        var (status, publish) = await Mageflow.Store.EvalWithPublishAsync("swarm_close", Id).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (status == "missing")
        {
            throw new MageflowStateException($"swarm {Id} does not exist (removed or expired)", "missing");
        }

        await Mageflow.Tracker.PublishAsync(publish, cancellationToken).ConfigureAwait(false);
    }

    internal Task AddManyAsync(IReadOnlyList<(Signature Task, object? Message)> items, CancellationToken cancellationToken) => AddAsync(items, cancellationToken);

    private async Task AddAsync(IReadOnlyList<(Signature Task, object? Message)> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var args = new List<RedisValue> { Id };
        foreach (var (task, message) in items)
        {
            args.Add(task.Id);
            args.Add(message is null ? string.Empty : Mageflow.Serialize(message));
        }

        var (status, publish) = await Mageflow.Store.EvalWithPublishAsync("swarm_add", [.. args]).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (status != "ok")
        {
            var parts = status.Split(':');
            throw new MageflowStateException(parts[0] switch
            {
                "closed" => $"cannot add to swarm {Name} ({Id}): it is closed",
                "canceled" => $"cannot add to swarm {Name} ({Id}): it was canceled",
                "full" => $"cannot add {items.Count} item(s) to swarm {Name} ({Id}): it allows at most {parts[1]} (max_task_allowed)",
                "missing" when parts.Length > 1 => $"cannot add to swarm {Name}: signature {parts[1]} does not exist",
                "missing" => $"swarm {Id} does not exist (removed or expired)",
                "owned" => $"cannot add signature {parts[1]} to swarm {Name}: it already belongs to {parts[2]}",
                _ => $"cannot add to swarm {Name} ({Id}): {status}",
            }, parts[0]);
        }

        // Items are queued durably in Redis; publishing them must not hold up the caller (a root body adding
        // thousands of children), and a failed publish is retried by the sweeper.
        Mageflow.Tracker.Enqueue(publish);
    }
}

using System.Text.Json;
using MageFlow.Hatchet.Orchestration.Exceptions;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.State;

namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>A stored description of future work (a task, chain or swarm) with its callbacks and status.</summary>
public abstract class Signature
{
    private RootBuffer? _joinedRoot;

    private protected Signature(MageFlowServices services, string id, SignatureKind kind, string name)
    {
        Services = services;
        Id = id;
        Kind = kind;
        Name = name;
    }

    /// <summary>Gets the signature's id (its Redis key is <c>{prefix:&lt;bucket&gt;}:sig:&lt;id&gt;</c>). The id names the
    /// signature's slot bucket: linking a pending signature into a chain, swarm or callback list of another bucket
    /// moves it there, and this handle then carries its new id (the old one forwards to it for a few minutes).</summary>
    public string Id { get; internal set; }

    /// <summary>Gets what the signature describes.</summary>
    public SignatureKind Kind { get; }

    /// <summary>Gets the name: the engine task name for tasks, the chain or swarm name otherwise.</summary>
    public string Name { get; }

    /// <summary>Gets the whole flow this signature starts: for a root task, the task with every child its body published
    /// (transitively); for a swarm or chain, its items. Await it, or read its progress.</summary>
    public Flows.FlowHandle Flow => new(Services, this);

    private protected MageFlowServices Services { get; }

    /// <summary>Publishes the signature with a message and returns at once. Inside a root task's body, it joins the
    /// root's swarm instead and starts when the swarm has room.</summary>
    /// <param name="message">The message (merged with the bound input).</param>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>A task that completes when the work is queued.</returns>
    /// <exception cref="MageFlowStateException">The signature is missing, finished, already started, or belongs to a chain or swarm.</exception>
    public virtual async Task RunNoWaitAsync(object? message = null, CancellationToken cancellationToken = default)
    {
        if (MageFlowScope.Current is { } scope && scope.Services == Services && scope.SwarmId != Id)
        {
            await scope.Buffer.AddAsync(this, message ?? new object(), cancellationToken).ConfigureAwait(false);
            _joinedRoot = scope.Buffer;
            return;
        }

        var reply = await Services.Scripts.Run.RunAsync(Id, Services.Serialize(message), contained: false, cancellationToken).ConfigureAwait(false);
        var status = reply.Status;
        if (status != "ok" && status != "started")
        {
            throw new MageFlowStateException(status switch
            {
                "missing" => $"{Describe()} does not exist (removed or expired)",
                _ when status.StartsWith("contained:", StringComparison.Ordinal) => $"{Describe()} belongs to {status[10..]}; run that instead",
                _ => $"{Describe()} cannot run: it is {status[(status.IndexOf(':', StringComparison.Ordinal) + 1)..]}",
            }, status.Split(':')[0]);
        }

        await Services.Publishing.PublishAsync(reply.Queued, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes the signature and waits until it finishes (callbacks included in its state, not awaited).</summary>
    /// <typeparam name="T">The result type (a list for swarms).</typeparam>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The result.</returns>
    /// <exception cref="SignatureFailedException">It failed or was cancelled.</exception>
    public async Task<T> RunAsync<T>(object? message = null, CancellationToken cancellationToken = default)
    {
        await RunNoWaitAsync(message, cancellationToken).ConfigureAwait(false);
        return await ResultAsync<T>(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the signature finishes and returns its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The result.</returns>
    /// <exception cref="SignatureFailedException">It failed or was cancelled.</exception>
    public async Task<T> ResultAsync<T>(CancellationToken cancellationToken = default)
    {
        if (_joinedRoot is { } buffer)
        {
            await buffer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var snapshot = await Services.Waiter.WaitAsync(Id, cancellationToken).ConfigureAwait(false);
        if (snapshot.Status != SignatureStatus.Done)
        {
            throw new SignatureFailedException(Id, snapshot.Status, snapshot.Error);
        }

        return JsonSerializer.Deserialize<T>(snapshot.Result ?? "null", Services.Json)!;
    }

    /// <summary>Gets the current status.</summary>
    /// <param name="cancellationToken">Stops waiting (the read may still happen).</param>
    /// <returns>The status, or <see langword="null"/> when the record is gone.</returns>
    public async Task<SignatureStatus?> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var value = await Services.Runner.DoAsync(db => db.HashGetAsync(Services.Keys.Signature(Id), Fields.Status), cancellationToken).ConfigureAwait(false);
        return WireNames.StatusOf(value);
    }

    /// <summary>
    /// Gets the engine run this signature started, so an operator can open it in Hatchet (or read it with
    /// <see cref="Hatchet.Runs.RunsClient.GetAsync"/>). The way back is <see cref="MageFlowClient.FindByRunIdAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the read may still happen).</param>
    /// <returns>The workflow run id, or <see langword="null"/> before a worker started it (and always for chains and swarms, which are no runs themselves).</returns>
    public async Task<string?> GetRunIdAsync(CancellationToken cancellationToken = default)
    {
        var value = await Services.Runner.DoAsync(db => db.HashGetAsync(Services.Keys.Signature(Id), Fields.Run), cancellationToken).ConfigureAwait(false);
        return value.IsNullOrEmpty ? null : value.ToString();
    }

    /// <summary>Suspends: work that has not started will not start until resumed; a running task keeps running.</summary>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>A task that completes when the state is saved.</returns>
    public Task SuspendAsync(CancellationToken cancellationToken = default) => LifecycleAsync("suspend", cancellationToken);

    /// <summary>Interrupts: like suspend, and running tasks are cancelled in the engine.</summary>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>A task that completes when the state is saved and cancels are sent.</returns>
    public Task InterruptAsync(CancellationToken cancellationToken = default) => LifecycleAsync("interrupt", cancellationToken);

    /// <summary>Resumes after a suspend or interrupt: returns to the previous status and publishes work that was held back.</summary>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>A task that completes when held work is republished.</returns>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => LifecycleAsync("resume", cancellationToken);

    /// <summary>Cancels: it never runs (running tasks are cancelled), its callbacks never fire, and its record expires soon.</summary>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>A task that completes when the state is saved and cancels are sent.</returns>
    public Task CancelAsync(CancellationToken cancellationToken = default) => LifecycleAsync("cancel", cancellationToken);

    /// <summary>
    /// Runs a failed task again: a top-level task or a callback (no container counted its failure) goes back to pending
    /// and is published with the input it was first queued with. Its success callbacks fire if it now succeeds; error
    /// callbacks that already ran are not run again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>A task that completes when the task is queued again.</returns>
    /// <exception cref="MageFlowStateException">It is missing, not a task, not failed (<see cref="MageFlowStateException.Reason"/>
    /// <c>not-failed</c>), an item of a chain or swarm (<c>contained</c>) or a root task's signature (<c>root</c>).</exception>
    public async Task RetryAsync(CancellationToken cancellationToken = default)
    {
        var reply = await Services.Scripts.Retry.RunAsync(Id, cancellationToken).ConfigureAwait(false);
        if (reply.Status != "ok")
        {
            var reason = reply.Status.Split(':', 2)[0];
            var detail = reason switch
            {
                "missing" => "does not exist (removed or expired)",
                "not-task" => "is not a task: retry a failed task inside it",
                "not-failed" => "has not failed (status " + reply.Status[(reason.Length + 1)..] + ")",
                "contained" => "is an item of " + reply.Status[(reason.Length + 1)..] + ", which already counted its failure",
                _ => "is a root task's signature: its flow ended with its root swarm",
            };
            throw new MageFlowStateException($"{Describe()} cannot be retried: it {detail}", reason);
        }

        await Services.ApplyAsync(reply, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{WireNames.Of(Kind)} {Name} ({Id})";

    private protected string Describe() => $"{WireNames.Of(Kind)} {Id}";

    private async Task LifecycleAsync(string operation, CancellationToken cancellationToken)
    {
        var reply = await Services.Scripts.Lifecycle.RunAsync(Id, operation, cancellationToken).ConfigureAwait(false);
        if (reply.Status == "missing")
        {
            throw new MageFlowStateException($"{Describe()} does not exist (removed or expired)", "missing");
        }

        await Services.ApplyAsync(reply, cancellationToken).ConfigureAwait(false);
    }
}

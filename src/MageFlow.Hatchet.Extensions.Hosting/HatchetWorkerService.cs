using MageFlow.Hatchet.Extensions.Hosting.Internal;
using MageFlow.Hatchet.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Extensions.Hosting;

/// <summary>
/// A <see cref="HatchetWorker"/> run by the host (one per <c>AddHatchetWorker</c>). It starts with the host. On shutdown
/// every hosted worker first pauses (takes no more work; <see cref="StoppingAsync"/> runs for all of them before any of
/// them stops), then each waits for its running tasks until the host's shutdown timeout, and cancels what is left.
/// Resolve it as a keyed service under the worker's name.
/// </summary>
public sealed class HatchetWorkerService : IHostedLifecycleService, IAsyncDisposable
{
    private readonly HatchetRuntime _runtime;
    private readonly IOptionsMonitor<HatchetWorkerOptions> _options;

    internal HatchetWorkerService(string name, HatchetRuntime runtime, IOptionsMonitor<HatchetWorkerOptions> options)
    {
        Name = name;
        _runtime = runtime;
        _options = options;
    }

    /// <summary>Gets the worker's name.</summary>
    public string Name { get; }

    /// <summary>Gets the worker once the host has started it, else <see langword="null"/>.</summary>
    public HatchetWorker? Worker { get; private set; }

    /// <summary>Gets the options the worker was started with.</summary>
    internal HatchetWorkerOptions? StartedOptions { get; private set; }

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the worker, registers its workflows and itself with the engine, and starts listening.</summary>
    /// <param name="cancellationToken">The host's start token.</param>
    /// <returns>A task that completes once the worker is registered.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _options.Get(Name).Clone();
        foreach (var workflow in _runtime.WorkflowsOf(Name))
        {
            options.Workflows.Add(workflow);
        }

        StartedOptions = options;
        Worker = _runtime.Client.Worker(options);
        await Worker.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Pauses the worker, so no worker of the host takes new work while the others drain.</summary>
    /// <param name="cancellationToken">The host's shutdown token.</param>
    /// <returns>A task that completes once the worker takes no more work.</returns>
    public Task StoppingAsync(CancellationToken cancellationToken) =>
        Worker is { State: HatchetWorkerState.Running } worker ? worker.PauseAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Waits for the running tasks until <paramref name="cancellationToken"/> (the host's shutdown timeout)
    /// fires, cancels what is left, and unsubscribes.</summary>
    /// <param name="cancellationToken">The host's shutdown token.</param>
    /// <returns>A task that completes once the worker has stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken) => Worker?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Worker?.DisposeAsync() ?? ValueTask.CompletedTask;
}

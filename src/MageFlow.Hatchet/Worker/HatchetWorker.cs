using Grpc.Core;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Worker;

/// <summary>
/// Runs tasks for the engine: registers its workflows (<c>v1.AdminService/PutWorkflow</c>), registers itself,
/// listens for actions (<c>ListenV2</c>), heartbeats every 4 s, runs handlers within its slots and reports
/// their results. It reconnects on its own when the engine or the network fails.
/// </summary>
public sealed class HatchetWorker : IAsyncDisposable
{
    private readonly HatchetClient _client;
    private readonly HatchetWorkerOptions _options;
    private readonly ILogger _log;
    private readonly IReadOnlyList<WorkflowDeclarationBase> _workflows;
    private readonly WorkerSession _session = new();
    private readonly CancellationTokenSource _stopListening = new();
    private readonly CancellationTokenSource _abortTasks = new();
    private readonly WorkerRegistration _registration;
    private readonly TaskRunner _runner;
    private readonly TaskRunServices _services;
    private readonly ActionListener _listener;
    private readonly Heartbeater _heartbeater;
    private Task? _listenLoop;
    private Task? _heartbeatLoop;
    private readonly Lock _pauseGate = new();
    private Task? _pausing;
    private int _state; // 0 new, 1 started, 2 stopping, 3 stopped

    /// <summary>Initializes a new instance of the <see cref="HatchetWorker"/> class.</summary>
    /// <param name="client">The client whose workflows it serves.</param>
    /// <param name="options">The worker's options (copied).</param>
    /// <exception cref="HatchetConfigurationException">The options are invalid.</exception>
    /// <exception cref="InvalidWorkflowException">Two workflows share an action.</exception>
    public HatchetWorker(HatchetClient client, HatchetWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Clone();
        _options.Validate();
        _log = client.LoggerFactory.CreateLogger("MageFlow.Hatchet.Worker");
        _workflows = _options.Workflows.Count > 0 ? _options.Workflows.ToArray() : client.Workflows;
        var actions = new Dictionary<string, TaskDefinition>(StringComparer.Ordinal);
        foreach (var wf in _workflows)
        {
            foreach (var t in wf.AllTaskDefinitions)
            {
                if (!actions.TryAdd(wf.WorkflowName + ":" + t.Name, t))
                {
                    throw new InvalidWorkflowException($"action '{wf.WorkflowName}:{t.Name}' is declared twice");
                }
            }
        }

        var time = client.Options.TimeProvider;
        var engine = client.Connection;
        _registration = new WorkerRegistration(engine, _options, _workflows, actions.Keys, _session, _log);
        var reporter = new StepEventReporter(engine, _session, time, _log);
        var services = _services = new TaskRunServices(engine, _session, client.Options);
        _runner = new TaskRunner(actions, client.Interceptors, reporter, services, client.Options.MaxMessageSize, _options.Name, _log, _abortTasks.Token);
        _listener = new ActionListener(engine, _session, _registration, _runner.Dispatch, time, _options.Name, _log, _stopListening.Token);
        _heartbeater = new Heartbeater(engine, _session, _registration, _options.HeartbeatInterval, time, _options.Name, _log);
    }

    /// <summary>Gets the worker's id once registered.</summary>
    public string? WorkerId => _session.WorkerId;

    /// <summary>Gets the worker's name.</summary>
    public string Name => _options.Name;

    /// <summary>Gets the number of task runs executing now.</summary>
    public int RunningCount => _runner.RunningCount;

    /// <summary>Gets where the worker is in its life: created, running, paused (draining), stopping or stopped.</summary>
    public HatchetWorkerState State => Volatile.Read(ref _state) switch
    {
        0 => HatchetWorkerState.NotStarted,
        1 => Volatile.Read(ref _pausing) is null ? HatchetWorkerState.Running : HatchetWorkerState.Paused,
        2 => HatchetWorkerState.Stopping,
        _ => HatchetWorkerState.Stopped,
    };

    /// <summary>Gets a value indicating whether the worker is running and its action stream is open, so the engine can
    /// assign it work. It is <see langword="false"/> while the stream reconnects, once paused, and once stopped.</summary>
    public bool IsListening => State == HatchetWorkerState.Running && _session.WorkerId is not null && _session.IsListening;

    /// <summary>Gets when the engine last accepted one of the worker's heartbeats (from the client's <see cref="TimeProvider"/>),
    /// or <see langword="null"/> before the first one (about a second after the start).</summary>
    public DateTimeOffset? LastHeartbeatAt => _session.LastHeartbeatAt;

    /// <summary>Registers the workflows and the worker, then starts listening. Returns once registered.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the worker is registered.</returns>
    /// <exception cref="HatchetRpcException">The engine rejected a workflow (the message names it) or the worker.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("the worker was already started");
        }

        await _client.Interceptors.OnWorkerStartingAsync(new WorkerStartingInput(_options.Name, _workflows, cancellationToken)).ConfigureAwait(false);
        await _registration.RegisterAsync(null, cancellationToken).ConfigureAwait(false);
        _listenLoop = Task.Run(_listener.RunAsync, CancellationToken.None);
        _heartbeatLoop = Task.Run(() => _heartbeater.RunAsync(_abortTasks.Token, _stopListening.Token), CancellationToken.None);
    }

    /// <summary>Runs the worker until <paramref name="stoppingToken"/> is cancelled, then stops gracefully
    /// (the shape of <c>BackgroundService.ExecuteAsync</c>).</summary>
    /// <param name="stoppingToken">Stops the worker.</param>
    /// <returns>A task that completes when the worker has stopped.</returns>
    public async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Runs the worker until <paramref name="untilComplete"/> finishes, then stops it. Handy in tests.</summary>
    /// <param name="untilComplete">The work to do while the worker runs.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the work is done and the worker stopped.</returns>
    public async Task ExecuteAsync(Func<Task> untilComplete, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(untilComplete);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await untilComplete().ConfigureAwait(false);
        }
        finally
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops taking work and lets running tasks go on: pauses the worker in Hatchet (REST
    /// <c>PATCH /api/v1/workers/{id}</c>, so the engine assigns it nothing more) and closes its action stream. Heartbeats
    /// go on, so the engine keeps the runs here while they finish. A host calls this on every worker before it stops any
    /// (see <see cref="StopAsync"/>, which pauses first too). Pausing twice, or after a stop, does nothing more.</summary>
    /// <param name="cancellationToken">Cuts the pause request short (the stream closes anyway).</param>
    /// <returns>A task that completes when the worker takes no more work.</returns>
    /// <exception cref="InvalidOperationException">The worker was never started.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _state) == 0)
        {
            throw new InvalidOperationException("the worker was not started");
        }

        return StartPause(cancellationToken);
    }

    /// <summary>Stops gracefully: pauses the worker in Hatchet (<see cref="PauseAsync"/>), waits up to
    /// <see cref="HatchetWorkerOptions.DrainTimeout"/> for running tasks, cancels the rest, and unsubscribes.</summary>
    /// <param name="cancellationToken">Cuts the drain short.</param>
    /// <returns>A task that completes when the worker has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        HatchetLog.WorkerStopping(_log, _options.Name, _runner.RunningCount);
        await StartPause(cancellationToken).ConfigureAwait(false);

        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            drain.CancelAfter(_options.DrainTimeout);
            try
            {
                await _runner.Drained.WaitAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Out of patience: cancel what is left. The engine hands those runs to another worker.
            }
        }

        await _abortTasks.CancelAsync().ConfigureAwait(false);
        if (_heartbeatLoop is not null)
        {
            await _heartbeatLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await UnsubscribeAsync().ConfigureAwait(false);
        Volatile.Write(ref _state, 3);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
        _stopListening.Dispose();
        _abortTasks.Dispose();
        _registration.Dispose();
    }

    private Task StartPause(CancellationToken cancellationToken)
    {
        // One pause per worker: a host's early pause and the stop that follows share it.
        lock (_pauseGate)
        {
            return _pausing ??= PauseOnceAsync(cancellationToken);
        }
    }

    private async Task PauseOnceAsync(CancellationToken cancellationToken)
    {
        if (_session.WorkerId is { } pausedId)
        {
            await WorkerPauser.PauseAsync(_client.Rest, pausedId, _log, cancellationToken).ConfigureAwait(false);
        }

        await _stopListening.CancelAsync().ConfigureAwait(false);
        if (_listenLoop is not null)
        {
            await _listenLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task UnsubscribeAsync()
    {
        if (_session.WorkerId is not { } id)
        {
            return;
        }

        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.Connection.Dispatcher.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = id }, cancellationToken: cts.Token).ResponseAsync.ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            // Best effort: the engine forgets a silent worker anyway.
        }
    }
}

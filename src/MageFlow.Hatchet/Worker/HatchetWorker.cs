using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MageFlow.Hatchet.Worker;

/// <summary>
/// Runs tasks for the engine: registers its workflows (<c>v1.AdminService/PutWorkflow</c>), registers itself,
/// listens for actions (<c>ListenV2</c>), heartbeats every 4 s, runs handlers within its slots and reports
/// their results. It reconnects on its own when the engine or the network fails.
/// </summary>
public sealed class HatchetWorker : IAsyncDisposable, IWorkerServices
{
    private static readonly StatusCode[] FinalEventCodes =
        [StatusCode.Unimplemented, StatusCode.InvalidArgument, StatusCode.AlreadyExists, StatusCode.Unauthenticated, StatusCode.PermissionDenied, StatusCode.NotFound];

    private readonly HatchetClient _client;
    private readonly HatchetWorkerOptions _options;
    private readonly ILogger _log;
    private readonly Dictionary<string, TaskDefinition> _actions = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<WorkflowDeclarationBase> _workflows;
    private readonly ConcurrentDictionary<string, RunningTask> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopListening = new();
    private readonly CancellationTokenSource _abortTasks = new();
    private readonly SemaphoreSlim _registerGate = new(1, 1);
    private readonly ResiliencePipeline _eventPipeline;
    private readonly ResiliencePipeline _reconnectPipeline;
    private CancellationTokenSource? _currentListen;
    private long _listenStartedAt;
    private Task? _listenLoop;
    private Task? _heartbeatLoop;
    private volatile string? _workerId;
    private int _state; // 0 new, 1 started, 2 stopping, 3 stopped

    /// <summary>Initializes a new instance of the <see cref="HatchetWorker"/> class.</summary>
    /// <param name="client">The client whose workflows it serves.</param>
    /// <param name="options">The worker's options (copied).</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
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
        foreach (var wf in _workflows)
        {
            foreach (var t in wf.TaskDefinitions.Concat(wf.OnFailureDefinition is null ? [] : [wf.OnFailureDefinition]))
            {
                if (!_actions.TryAdd(wf.WorkflowName + ":" + t.Name, t))
                {
                    throw new InvalidWorkflowException($"action '{wf.WorkflowName}:{t.Name}' is declared twice");
                }
            }
        }

        _eventPipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 20,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(e => !FinalEventCodes.Contains(e.StatusCode)),
            })
            .Build();
        _reconnectPipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = _options.MaxReconnectDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => !_stopListening.IsCancellationRequested && e is not HatchetConfigurationException),
                OnRetry = args =>
                {
                    HatchetLog.ListenReconnecting(_log, _options.Name, args.Outcome.Exception?.Message ?? "stream ended", (int)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Gets the worker's id once registered.</summary>
    public string? WorkerId => _workerId;

    /// <summary>Gets the worker's name.</summary>
    public string Name => _options.Name;

    /// <summary>Gets the number of task runs executing now.</summary>
    public int RunningCount => _running.Count;

    string IWorkerServices.WorkerId => _workerId ?? string.Empty;

    JsonSerializerOptions IWorkerServices.Json => _client.Options.JsonSerializerOptions;

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

        await RegisterAsync(null, cancellationToken).ConfigureAwait(false);
        _listenLoop = Task.Run(ListenLoopAsync, CancellationToken.None);
        _heartbeatLoop = Task.Run(HeartbeatLoopAsync, CancellationToken.None);
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

    /// <summary>Stops gracefully: pauses the worker in Hatchet, stops taking work, waits up to
    /// <see cref="HatchetWorkerOptions.DrainTimeout"/> for running tasks, cancels the rest, and unsubscribes.</summary>
    /// <param name="cancellationToken">Cuts the drain short.</param>
    /// <returns>A task that completes when the worker has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        HatchetLog.WorkerStopping(_log, _options.Name, _running.Count);
        await PauseAsync(cancellationToken).ConfigureAwait(false);
        await _stopListening.CancelAsync().ConfigureAwait(false);
        if (_listenLoop is not null)
        {
            await _listenLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            drain.CancelAfter(_options.DrainTimeout);
            try
            {
                await Task.WhenAll(_running.Values.Select(r => r.Completion)).WaitAsync(drain.Token).ConfigureAwait(false);
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

        if (_workerId is { } id)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.Rpc.Dispatcher.UnsubscribeAsync(new WorkerUnsubscribeRequest { WorkerId = id }, cancellationToken: cts.Token).ResponseAsync.ConfigureAwait(false);
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException)
            {
                // Best effort: the engine forgets a silent worker anyway.
            }
        }

        Volatile.Write(ref _state, 3);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopListening.Dispose();
        _abortTasks.Dispose();
        _registerGate.Dispose();
    }

    async Task IWorkerServices.LogAsync(TaskContext context, string message, string level, CancellationToken cancellationToken)
    {
        var request = new PutLogRequest
        {
            TaskRunExternalId = context.TaskRunExternalId,
            CreatedAt = Timestamp.FromDateTimeOffset(_client.Options.TimeProvider.GetUtcNow()),
            Message = message,
            Level = level,
            Metadata = string.Empty,
            TaskRetryCount = context.RetryCount,
        };
        await _client.Rpc.CallAsync("PutLog", ct => _client.Rpc.Events.PutLogAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    async Task<DateTimeOffset> IWorkerServices.RefreshTimeoutAsync(TaskContext context, TimeSpan by, CancellationToken cancellationToken)
    {
        var request = new RefreshTimeoutRequest { TaskRunExternalId = context.TaskRunExternalId, IncrementTimeoutBy = Durations.Format(by) };
        var response = await _client.Rpc.CallAsync("RefreshTimeout", ct => _client.Rpc.Dispatcher.RefreshTimeoutAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.TimeoutAt.ToDateTimeOffset();
    }

    async Task IWorkerServices.ReleaseSlotAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var request = new ReleaseSlotRequest { TaskRunExternalId = context.TaskRunExternalId };
        await _client.Rpc.CallAsync("ReleaseSlot", ct => _client.Rpc.Dispatcher.ReleaseSlotAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
    }

    private async Task RegisterAsync(string? staleWorkerId, CancellationToken cancellationToken)
    {
        await _registerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (staleWorkerId is not null && _workerId != staleWorkerId)
            {
                return; // someone already registered again
            }

            foreach (var wf in _workflows)
            {
                var proto = wf.ToProto();
                await _client.Rpc.CallAsync($"registering workflow '{wf.WorkflowName}'", ct => _client.Rpc.Admin.PutWorkflowAsync(proto, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
            }

            var request = new WorkerRegisterRequest
            {
                WorkerName = _options.Name,
                RuntimeInfo = new RuntimeInfo
                {
                    SdkVersion = typeof(HatchetWorker).Assembly.GetName().Version?.ToString() ?? "0.0.0",
                    Language = SDKS.Unknown,
                    LanguageVersion = RuntimeInformation.FrameworkDescription,
                    Os = RuntimeInformation.OSDescription,
                    Extra = "dotnet; MageFlow.Hatchet",
                },
            };
            request.Actions.AddRange(_actions.Keys);
            request.Services.Add("default");
            request.SlotConfig["default"] = _options.Slots;
            foreach (var (k, v) in _options.Labels)
            {
                request.Labels[k] = v is int i ? new WorkerLabels { IntValue = i } : new WorkerLabels { StrValue = Convert.ToString(v, CultureInfo.InvariantCulture) };
            }

            var response = await _client.Rpc.CallAsync("registering the worker", ct => _client.Rpc.Dispatcher.RegisterAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
            _workerId = response.WorkerId;
            HatchetLog.WorkerRegistered(_log, _options.Name, response.WorkerId, _actions.Count);
        }
        finally
        {
            _registerGate.Release();
        }
    }

    private async Task ListenLoopAsync()
    {
        while (!_stopListening.IsCancellationRequested)
        {
            try
            {
                // The pipeline backs off between failed attempts; a long healthy stream resets the count.
                await _reconnectPipeline.ExecuteAsync(async ct => await ListenOnceAsync(ct).ConfigureAwait(false), _stopListening.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopListening.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async ValueTask ListenOnceAsync(CancellationToken cancellationToken)
    {
        var workerId = _workerId!;
        using var listen = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Volatile.Write(ref _currentListen, listen);
        Volatile.Write(ref _listenStartedAt, System.Diagnostics.Stopwatch.GetTimestamp());
        var openedAt = DateTimeOffset.UtcNow;
        try
        {
            using var call = _client.Rpc.Dispatcher.ListenV2(new WorkerListenRequest { WorkerId = workerId }, cancellationToken: listen.Token);
            await foreach (var action in call.ResponseStream.ReadAllAsync(listen.Token).ConfigureAwait(false))
            {
                Dispatch(action);
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            HatchetLog.WorkerReRegistering(_log, _options.Name, e.Status.Detail);
            await RegisterAsync(workerId, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is RpcException or IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (DateTimeOffset.UtcNow - openedAt > TimeSpan.FromSeconds(10))
            {
                return; // was healthy for a while: reconnect at once with a fresh backoff
            }

            throw;
        }
        finally
        {
            Volatile.Write(ref _currentListen, null);
        }

        if (!cancellationToken.IsCancellationRequested && DateTimeOffset.UtcNow - openedAt < TimeSpan.FromSeconds(10))
        {
            throw new IOException("the action stream ended");
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        var token = _abortTasks.Token;
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _client.Options.TimeProvider);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), _client.Options.TimeProvider, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        do
        {
            if (_workerId is not { } id)
            {
                continue;
            }

            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
                cts.CancelAfter(TimeSpan.FromSeconds(5));
                await _client.Rpc.Dispatcher.HeartbeatAsync(
                    new HeartbeatRequest { WorkerId = id, HeartbeatAt = Timestamp.FromDateTimeOffset(_client.Options.TimeProvider.GetUtcNow()) },
                    cancellationToken: cts.Token).ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                // The engine lost our stream: make the listener reconnect now. A stream opened moments ago
                // may simply not have reached the engine yet, so leave that one alone.
                HatchetLog.HeartbeatFailed(_log, _options.Name, e.Status.Detail);
                if (Volatile.Read(ref _currentListen) is { } listen &&
                    System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _listenStartedAt)) > TimeSpan.FromSeconds(3))
                {
                    await listen.CancelAsync().ConfigureAwait(false);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && !_stopListening.IsCancellationRequested)
            {
                HatchetLog.WorkerReRegistering(_log, _options.Name, e.Status.Detail);
                try
                {
                    await RegisterAsync(id, token).ConfigureAwait(false);
                    if (Volatile.Read(ref _currentListen) is { } listen)
                    {
                        await listen.CancelAsync().ConfigureAwait(false);
                    }
                }
                catch (Exception inner) when (inner is HatchetRpcException or OperationCanceledException)
                {
                    HatchetLog.HeartbeatFailed(_log, _options.Name, inner.Message);
                }
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException && !token.IsCancellationRequested)
            {
                HatchetLog.HeartbeatFailed(_log, _options.Name, e.Message);
            }
        }
        while (await WaitTick(timer, token).ConfigureAwait(false));

        static async Task<bool> WaitTick(PeriodicTimer timer, CancellationToken token)
        {
            try
            {
                return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private void Dispatch(AssignedAction action)
    {
        var key = action.TaskRunExternalId + "/" + action.RetryCount.ToString(CultureInfo.InvariantCulture);
        switch (action.ActionType)
        {
            case ActionType.CancelStepRun:
                if (_running.TryGetValue(key, out var run))
                {
                    run.CancelledByEngine = true;
                    run.Cancellation.Cancel();
                }

                return;
            case ActionType.StartStepRun:
                if (!_actions.TryGetValue(action.ActionId, out var definition))
                {
                    HatchetLog.UnknownAction(_log, _options.Name, action.ActionId);
                    _ = ReportAsync(action, StepActionEventType.StepEventTypeFailed, $"worker '{_options.Name}' does not serve action '{action.ActionId}'", shouldNotRetry: false);
                    return;
                }

                var cts = CancellationTokenSource.CreateLinkedTokenSource(_abortTasks.Token);
                var running = new RunningTask(cts);
                if (!_running.TryAdd(key, running))
                {
                    cts.Dispose();
                    return; // delivered twice (after a reconnect): it is already running here
                }

                running.Completion = Task.Run(() => ExecuteAsync(action, definition, key, running));
                return;
            default:
                HatchetLog.UnknownAction(_log, _options.Name, action.ActionType.ToString());
                return;
        }
    }

    private async Task ExecuteAsync(AssignedAction action, TaskDefinition definition, string key, RunningTask running)
    {
        var json = _client.Options.JsonSerializerOptions;
        var started = Task.CompletedTask;
        try
        {
            // Not awaited, so the handler starts at once; the final report waits for it, or a fast task's
            // STARTED could reach the engine after its COMPLETED (a stale report) and the order would be lost.
            started = ReportAsync(action, StepActionEventType.StepEventTypeStarted, string.Empty, false);
            string output;
            try
            {
                // The document lives as long as the handler, so the context reads it without a copy.
                using var payload = JsonDocument.Parse(string.IsNullOrEmpty(action.ActionPayload) ? "{}" : action.ActionPayload);
                var metadata = ParseMetadata(action);
                var context = new TaskContext(action, payload.RootElement, metadata, this, running.Cancellation.Token) { Definition = definition };
                using (TaskContext.Enter(context))
                {
                    output = await _client.InvokeWithMiddlewareAsync(context, () => definition.Invoke(context, json)).ConfigureAwait(false);
                }
            }
            catch (JsonException e)
            {
                throw new NonRetryableException($"the engine sent a malformed action payload for '{action.ActionId}': {e.Message}", e);
            }

            if (running.CancelledByEngine)
            {
                return; // the engine cancelled this attempt; it expects no report
            }

            await started.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ReportAsync(action, StepActionEventType.StepEventTypeCompleted, output, false).ConfigureAwait(false);
        }
        catch (Exception e) when (running.CancelledByEngine || (_abortTasks.IsCancellationRequested && HatchetException.IsCanceledException(e)))
        {
            // Cancelled by the engine, or by a hard stop: no report (the engine reassigns or has already failed it).
        }
        catch (Exception e)
        {
            var nonRetryable = e is NonRetryableException;
            HatchetLog.TaskFailed(_log, action.ActionId, action.TaskRunExternalId, action.RetryCount, e.Message);
            await started.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ReportAsync(action, StepActionEventType.StepEventTypeFailed, FormatError(e), nonRetryable).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(key, out _);
            running.Cancellation.Dispose();
        }
    }

    private static Dictionary<string, JsonElement> ParseMetadata(AssignedAction action)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!action.HasAdditionalMetadata || string.IsNullOrWhiteSpace(action.AdditionalMetadata))
        {
            return result;
        }

        using var doc = JsonDocument.Parse(action.AdditionalMetadata);
        if (doc.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                result[p.Name] = p.Value.Clone();
            }
        }

        return result;
    }

    internal static string FormatError(Exception e)
    {
        var sb = new StringBuilder();
        sb.Append(e.GetType().Name).Append(": ").Append(e.Message);
        if (e.StackTrace is { } stack)
        {
            sb.Append('\n').Append(stack);
        }

        return sb.ToString();
    }

    private async Task ReportAsync(AssignedAction action, StepActionEventType type, string payload, bool shouldNotRetry)
    {
        var e = new StepActionEvent
        {
            WorkerId = _workerId ?? string.Empty,
            JobId = action.JobId,
            JobRunId = action.JobRunId,
            TaskId = action.TaskId,
            TaskRunExternalId = action.TaskRunExternalId,
            ActionId = action.ActionId,
            EventTimestamp = Timestamp.FromDateTimeOffset(_client.Options.TimeProvider.GetUtcNow()),
            EventType = type,
            EventPayload = payload,
            RetryCount = action.RetryCount,
        };
        if (shouldNotRetry)
        {
            e.ShouldNotRetry = true;
        }

        try
        {
            await _eventPipeline.ExecuteAsync(
                async ct => await _client.Rpc.Dispatcher.SendStepActionEventAsync(e, cancellationToken: ct).ResponseAsync.ConfigureAwait(false),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            HatchetLog.EventReportFailed(_log, type.ToString(), action.TaskRunExternalId, ex.Status.Detail);
        }
    }

    private async Task PauseAsync(CancellationToken cancellationToken)
    {
        if (_workerId is not { } id || _client.Config.ServerUrl is not { } serverUrl)
        {
            return;
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"{serverUrl}/api/v1/workers/{id}")
            {
                Content = new StringContent("{\"isPaused\":true}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _client.Options.Token!.Trim());
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                HatchetLog.PauseFailed(_log, id, $"HTTP {(int)response.StatusCode}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            HatchetLog.PauseFailed(_log, id, e.Message);
        }
    }

    private sealed class RunningTask(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Completion { get; set; } = Task.CompletedTask;

        public volatile bool CancelledByEngine;
    }
}

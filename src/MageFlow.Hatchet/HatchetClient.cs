using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Protocol.V1;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MageFlow.Hatchet;

/// <summary>
/// The entry point: a long-lived, thread-safe client of one Hatchet tenant. It owns one gRPC channel;
/// create one per process and dispose it at shutdown. Declare tasks on it, run workers from it, trigger runs.
/// </summary>
public sealed class HatchetClient : IAsyncDisposable
{
    /// <summary>The metadata key under which MageFlow carries a signature id (as Python MageFlow does).</summary>
    internal const string SignatureMetadataKey = "task_id";

    private const int BulkChunk = 1000;
    private readonly List<WorkflowDeclarationBase> _workflows = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    private HatchetClient(HatchetClientOptions options, ResolvedConfig config)
    {
        Options = options;
        Config = config;
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Rpc = new Rpc(options, config);
        Listener = new RunListener(Rpc, LoggerFactory.CreateLogger("MageFlow.Hatchet.Runs"));
        Events = new EventsClient(this);
    }

    /// <summary>Gets the options (a copy taken at creation).</summary>
    public HatchetClientOptions Options { get; }

    /// <summary>Gets the tenant id (the token's <c>sub</c>).</summary>
    public string TenantId => Config.TenantId;

    /// <summary>Gets the normalised namespace (lower case, ending in <c>_</c>), or an empty string.</summary>
    public string Namespace => Config.Namespace;

    /// <summary>Gets the client for pushing events.</summary>
    public EventsClient Events { get; }

    /// <summary>Gets the workflows and tasks declared on this client, which its workers serve by default.</summary>
    public IReadOnlyList<WorkflowDeclarationBase> Workflows
    {
        get
        {
            lock (_gate)
            {
                return _workflows.ToArray();
            }
        }
    }

    internal ResolvedConfig Config { get; }

    internal Rpc Rpc { get; }

    internal RunListener Listener { get; }

    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the hooks that wrap every task this client's workers run (MageFlow's signature wrapper).</summary>
    internal List<ITaskMiddleware> Middleware { get; } = [];

    /// <summary>Gets the hooks that may rewrite every trigger this client sends (MageFlow's root-task capture).</summary>
    internal List<ITriggerInterceptor> TriggerInterceptors { get; } = [];

    /// <summary>Creates a client without contacting the engine.</summary>
    /// <param name="options">The options; <see langword="null"/> reads <c>HATCHET_CLIENT_*</c> from the environment.</param>
    /// <returns>The client.</returns>
    /// <exception cref="HatchetConfigurationException">The configuration is missing or invalid; the message says how to fix it.</exception>
    public static HatchetClient Create(HatchetClientOptions? options = null)
    {
        var copy = (options ?? HatchetClientOptions.FromEnvironment()).Clone();
        return new HatchetClient(copy, copy.Resolve());
    }

    /// <summary>Creates a client and checks that the engine answers and accepts the token.</summary>
    /// <param name="options">The options; <see langword="null"/> reads <c>HATCHET_CLIENT_*</c> from the environment.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The connected client.</returns>
    /// <exception cref="HatchetConfigurationException">The configuration is invalid, the engine is unreachable, or it rejected the token.</exception>
    public static async Task<HatchetClient> ConnectAsync(HatchetClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        var client = Create(options);
        try
        {
            await client.GetEngineVersionAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch (HatchetRpcException e)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new HatchetConfigurationException(e.StatusCode switch
            {
                Grpc.Core.StatusCode.Unauthenticated => $"The Hatchet engine at {client.Config.HostPort} rejected HATCHET_CLIENT_TOKEN ({e.Detail}). Use a token issued by this engine's tenant.",
                Grpc.Core.StatusCode.Unavailable => $"The Hatchet engine at {client.Config.HostPort} is unreachable ({e.Detail}). Check HATCHET_CLIENT_HOST_PORT and HATCHET_CLIENT_TLS_STRATEGY ({client.Options.TlsStrategy.ToString().ToLowerInvariant()}).",
                _ => $"The Hatchet engine at {client.Config.HostPort} answered {e.StatusCode}: {e.Detail}",
            });
        }
    }

    /// <summary>Asks the engine for its version.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version, such as <c>v0.104.7</c>.</returns>
    public async Task<string> GetEngineVersionAsync(CancellationToken cancellationToken = default)
    {
        var response = await Rpc.CallAsync("GetVersion", ct => Rpc.Dispatcher.GetVersionAsync(new GetVersionRequest(), cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.Version;
    }

    /// <summary>Declares a standalone task (a one-task workflow).</summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="name">The task's name, unique in the tenant (namespace applied, lower-cased).</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">Retries, timeouts, concurrency, triggers.</param>
    /// <returns>The declaration, to trigger the task or refine it.</returns>
    /// <exception cref="InvalidWorkflowException">The name is taken on this client or the options are invalid.</exception>
    public TaskDeclaration<TIn, TOut> Task<TIn, TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options = null) =>
        Add(new TaskDeclaration<TIn, TOut>(this, name, handler, options));

    /// <summary>Declares a multi-task workflow; add tasks with <see cref="WorkflowDeclaration{TIn}.Task{TOut}"/>.</summary>
    /// <typeparam name="TIn">The workflow input type.</typeparam>
    /// <param name="name">The workflow's name.</param>
    /// <param name="options">Triggers, concurrency, defaults.</param>
    /// <returns>The declaration.</returns>
    public WorkflowDeclaration<TIn> Workflow<TIn>(string name, WorkflowOptions? options = null) =>
        Add(new WorkflowDeclaration<TIn>(this, name, options));

    /// <summary>Creates a worker that serves the workflows declared on this client.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="slots">How many task runs it runs at once.</param>
    /// <returns>The worker; run it with <see cref="HatchetWorker.ExecuteAsync(CancellationToken)"/>.</returns>
    public HatchetWorker Worker(string name, int slots = 100) => new(this, new HatchetWorkerOptions(name) { Slots = slots });

    /// <summary>Creates a worker with full options.</summary>
    /// <param name="options">The worker's options.</param>
    /// <returns>The worker.</returns>
    public HatchetWorker Worker(HatchetWorkerOptions options) => new(this, options);

    /// <summary>Runs a workflow by name (for example one only a Python or TypeScript worker registers) and waits for its output.</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="workflowName">The workflow's name (namespace applied, lower-cased as the TypeScript SDK does).</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The output.</returns>
    public async Task<TOut> RunAsync<TOut>(string workflowName, object? input, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = await RunNoWaitAsync(workflowName, input, options, cancellationToken).ConfigureAwait(false);
        return await run.ResultAsync<TOut>(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a workflow by name without waiting.</summary>
    /// <param name="workflowName">The workflow's name.</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Cancels the trigger.</param>
    /// <returns>The run's reference.</returns>
    public Task<WorkflowRunRef> RunNoWaitAsync(string workflowName, object? input, RunOptions? options = null, CancellationToken cancellationToken = default) =>
        TriggerAsync((Namespace + workflowName).ToLowerInvariant(), input, options, null, cancellationToken);

    /// <summary>Gets a reference to an existing run, to await its result.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The reference.</returns>
    public WorkflowRunRef GetRun(string runId) => new(this, runId, string.Empty);

    /// <summary>Cancels runs or task runs by id.</summary>
    /// <param name="ids">Workflow run ids or task run ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task run ids that were cancelled.</returns>
    public async Task<IReadOnlyList<string>> CancelAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        var request = new CancelTasksRequest();
        request.ExternalIds.AddRange(ids);
        var response = await Rpc.CallAsync("CancelTasks", ct => Rpc.Admin.CancelTasksAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.CancelledTasks;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Listener.DisposeAsync().ConfigureAwait(false);
        Rpc.Dispose();
    }

    internal async Task<WorkflowRunRef> TriggerAsync(string workflowName, object? input, RunOptions? options, IDictionary<string, string>? defaults, CancellationToken cancellationToken)
    {
        foreach (var interceptor in TriggerInterceptors)
        {
            if (await interceptor.TryCaptureAsync(workflowName, input, options, defaults, cancellationToken).ConfigureAwait(false) is { } captured)
            {
                return captured;
            }
        }

        var request = BuildTrigger(workflowName, input, options, defaults);
        var response = await Rpc.CallAsync($"triggering '{workflowName}'", ct => Rpc.Workflows.TriggerWorkflowAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return new WorkflowRunRef(this, response.WorkflowRunId, workflowName, TaskNameOf(workflowName));
    }

    internal async Task<IReadOnlyList<WorkflowRunRef>> TriggerManyAsync(string workflowName, IEnumerable<object?> inputs, RunOptions? options, IDictionary<string, string>? defaults, CancellationToken cancellationToken)
    {
        if (TriggerInterceptors.Exists(i => i.IsCapturing))
        {
            // Inside a root task body each trigger is captured: go one by one.
            var each = new List<WorkflowRunRef>();
            foreach (var input in inputs)
            {
                each.Add(await TriggerAsync(workflowName, input, options, defaults, cancellationToken).ConfigureAwait(false));
            }

            return each;
        }

        var requests = inputs.Select(i => BuildTrigger(workflowName, i, options, defaults)).ToList();
        var refs = new List<WorkflowRunRef>(requests.Count);
        for (var offset = 0; offset < requests.Count; offset += BulkChunk)
        {
            var bulk = new BulkTriggerWorkflowRequest();
            bulk.Workflows.AddRange(requests.Skip(offset).Take(BulkChunk));
            var response = await Rpc.CallAsync($"bulk triggering '{workflowName}'", ct => Rpc.Workflows.BulkTriggerWorkflowAsync(bulk, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
            refs.AddRange(response.WorkflowRunIds.Select(id => new WorkflowRunRef(this, id, workflowName, TaskNameOf(workflowName))));
        }

        return refs;
    }

    /// <summary>Triggers a batch of runs of possibly different workflows with bulk calls (≤ 1,000 per call).</summary>
    internal async Task<IReadOnlyList<string>> TriggerBatchAsync(IReadOnlyList<(string WorkflowName, object? Input, RunOptions? Options)> items, CancellationToken cancellationToken)
    {
        var ids = new List<string>(items.Count);
        for (var offset = 0; offset < items.Count; offset += BulkChunk)
        {
            var bulk = new BulkTriggerWorkflowRequest();
            foreach (var (name, input, options) in items.Skip(offset).Take(BulkChunk))
            {
                bulk.Workflows.Add(BuildTrigger(name, input, options, null));
            }

            var response = await Rpc.CallAsync("bulk trigger", ct => Rpc.Workflows.BulkTriggerWorkflowAsync(bulk, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
            ids.AddRange(response.WorkflowRunIds);
        }

        return ids;
    }

    internal async Task<string> ScheduleAsync(string workflowName, DateTimeOffset at, object? input, RunOptions? options, IDictionary<string, string>? defaults, CancellationToken cancellationToken)
    {
        var trigger = BuildTrigger(workflowName, input, options, defaults);
        var request = new ScheduleWorkflowRequest { Name = trigger.Name, Input = trigger.Input, AdditionalMetadata = trigger.AdditionalMetadata };
        if (trigger.HasPriority)
        {
            request.Priority = trigger.Priority;
        }

        request.Schedules.Add(Timestamp.FromDateTimeOffset(at));
        var response = await Rpc.CallAsync($"scheduling '{workflowName}'", ct => Rpc.Workflows.ScheduleWorkflowAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return response.ScheduledWorkflows.Count > 0 ? response.ScheduledWorkflows[0].Id : response.Id;
    }

    internal Task<string> InvokeWithMiddlewareAsync(TaskContext context, Func<Task<string>> handler)
    {
        var next = handler;
        for (var i = Middleware.Count - 1; i >= 0; i--)
        {
            var middleware = Middleware[i];
            var inner = next;
            next = () => middleware.InvokeAsync(context, inner);
        }

        return next();
    }

    private TriggerWorkflowRequest BuildTrigger(string workflowName, object? input, RunOptions? options, IDictionary<string, string>? defaults)
    {
        var json = Options.JsonSerializerOptions;
        var request = new TriggerWorkflowRequest
        {
            Name = workflowName,
            Input = input switch
            {
                null => "{}",
                RawJson raw => raw.Json,
                _ => JsonSerializer.Serialize(input, input.GetType(), json),
            },
        };
        var metadata = new JsonObject();
        var parent = options?.AsChild == false ? null : TaskContext.Current;
        if (parent is not null)
        {
            // Like Python: the child inherits the parent's metadata (the engine merges it again server-side).
            foreach (var (k, v) in parent.AdditionalMetadata)
            {
                if (!k.StartsWith("hatchet__", StringComparison.Ordinal) && k != SignatureMetadataKey)
                {
                    metadata[k] = JsonNode.Parse(v.GetRawText());
                }
            }

            // The engine merges the parent's metadata into the child's, so a signature key must be
            // overridden explicitly or the child would pass for its parent's signature.
            if (parent.AdditionalMetadata.ContainsKey(SignatureMetadataKey))
            {
                metadata[SignatureMetadataKey] = string.Empty;
            }

            request.ParentId = parent.WorkflowRunId;
            request.ParentTaskRunExternalId = parent.TaskRunExternalId;
            request.ChildIndex = parent.NextChildIndex();
            if (options?.Key is { } key)
            {
                request.ChildKey = key;
            }

            if (options?.Sticky == true)
            {
                request.DesiredWorkerId = parent.WorkerId;
            }
        }

        foreach (var (k, v) in defaults ?? new Dictionary<string, string>())
        {
            metadata[k] = v;
        }

        foreach (var (k, v) in options?.AdditionalMetadata ?? new Dictionary<string, string>())
        {
            metadata[k] = v;
        }

        request.AdditionalMetadata = metadata.ToJsonString();

        if (options?.Priority is { } priority)
        {
            request.Priority = priority;
        }

        return request;
    }

    private string? TaskNameOf(string workflowName)
    {
        lock (_gate)
        {
            return _workflows.FirstOrDefault(w => w.WorkflowName == workflowName) is { } wf && wf.TaskDefinitions.Count == 1
                ? wf.TaskDefinitions[0].Name
                : null;
        }
    }

    private T Add<T>(T workflow)
        where T : WorkflowDeclarationBase
    {
        lock (_gate)
        {
            if (_workflows.Any(w => w.WorkflowName == workflow.WorkflowName))
            {
                throw new InvalidWorkflowException($"a workflow or task named '{workflow.WorkflowName}' is already declared on this client");
            }

            _workflows.Add(workflow);
        }

        return workflow;
    }
}

/// <summary>Pushes events; workflows whose triggers name the key run with the payload as input.</summary>
public sealed class EventsClient
{
    private readonly HatchetClient _client;

    internal EventsClient(HatchetClient client) => _client = client;

    /// <summary>Pushes one event.</summary>
    /// <param name="key">The event key (namespace applied).</param>
    /// <param name="payload">The payload, serialized with the client's JSON options.</param>
    /// <param name="additionalMetadata">Metadata for the event and the runs it triggers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The event id.</returns>
    public async Task<string> PushAsync(string key, object? payload, IReadOnlyDictionary<string, string>? additionalMetadata = null, CancellationToken cancellationToken = default)
    {
        var request = new PushEventRequest
        {
            Key = _client.Namespace + key,
            Payload = payload is null ? "{}" : JsonSerializer.Serialize(payload, payload.GetType(), _client.Options.JsonSerializerOptions),
            EventTimestamp = Timestamp.FromDateTimeOffset(_client.Options.TimeProvider.GetUtcNow()),
        };
        if (additionalMetadata is not null)
        {
            request.AdditionalMetadata = JsonSerializer.Serialize(additionalMetadata);
        }

        var evt = await _client.Rpc.CallAsync($"pushing event '{key}'", ct => _client.Rpc.Events.PushAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return evt.EventId;
    }
}

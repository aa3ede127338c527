using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Events;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Rest;
using MageFlow.Hatchet.Crons;
using MageFlow.Hatchet.Logs;
using MageFlow.Hatchet.Metrics;
using MageFlow.Hatchet.RateLimits;
using MageFlow.Hatchet.Runs;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Triggering;
using MageFlow.Hatchet.Worker;
using MageFlow.Hatchet.Workers;
using MageFlow.Hatchet.Schedules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MageFlow.Hatchet;

/// <summary>
/// The entry point: a long-lived, thread-safe client of one Hatchet tenant. It owns one gRPC channel;
/// create one per process and dispose it at shutdown. Declare tasks on it, run workers from it, trigger runs.
/// </summary>
public sealed partial class HatchetClient : IAsyncDisposable
{
    private readonly WorkflowRegistry _workflows = new();
    private readonly RunListener _listener;
    private readonly RunTrigger _trigger;
    private bool _disposed;

    private HatchetClient(HatchetClientOptions options, ResolvedConfig config)
    {
        Options = options;
        Config = config;
        LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        Connection = new EngineConnection(options, config);
        Interceptors = new InterceptorChain(options.Interceptors);
        Rest = new HatchetRestClient(options, config);
        var runsLog = LoggerFactory.CreateLogger("MageFlow.Hatchet.Runs");
        _listener = new RunListener(Connection, runsLog, options.TimeProvider, Interceptors.OnRunFinished, new RunResultFallback(Rest, options.TimeProvider, runsLog));
        RegisteredWorkflows = new Workflows.WorkflowsClient(Rest, config.TenantId, config.Namespace);
        Runs = new RunsClient(Connection, _listener, options.JsonSerializerOptions, _workflows.OutputTaskOf, new RunsRest(Rest, config.TenantId, RegisteredWorkflows, options.TimeProvider));
        Events = new EventsClient(Connection, options, config.Namespace, Rest, config.TenantId);
        Crons = new CronsClient(Rest, config.TenantId, config.Namespace, options.JsonSerializerOptions);
        Schedules = new SchedulesClient(Rest, config.TenantId, config.Namespace, options.JsonSerializerOptions, RegisteredWorkflows);
        RateLimits = new RateLimitsClient(Connection, Rest, config.TenantId);
        Workers = new WorkersClient(Rest, config.TenantId, Connection);
        Filters = new Filters.FiltersClient(Rest, config.TenantId, options.JsonSerializerOptions);
        Logs = new LogsClient(Rest);
        Metrics = new MetricsClient(Rest, config.TenantId, options.TimeProvider);
        _trigger = new RunTrigger(Connection, Interceptors, Runs, _workflows.OutputTaskOf, options.MaxMessageSize);
    }

    /// <summary>Gets the options (a copy taken at creation).</summary>
    public HatchetClientOptions Options { get; }

    /// <summary>Gets the tenant id (the token's <c>sub</c>).</summary>
    public string TenantId => Config.TenantId;

    /// <summary>Gets the normalised namespace (lower case, ending in <c>_</c>), or an empty string.</summary>
    public string Namespace => Config.Namespace;

    /// <summary>Gets the client for pushing events and listing the events the engine received.</summary>
    public EventsClient Events { get; }

    /// <summary>Gets the client for creating, listing and deleting cron triggers (over the engine's REST API).</summary>
    public CronsClient Crons { get; }

    /// <summary>Gets the client for scheduling runs for later, and listing, reading, rescheduling and deleting schedules (REST).</summary>
    public SchedulesClient Schedules { get; }

    /// <summary>Gets the client for putting and listing rate limits.</summary>
    public RateLimitsClient RateLimits { get; }

    /// <summary>Gets the client for listing, reading, pausing and unpausing workers (REST) and upserting their labels.</summary>
    public WorkersClient Workers { get; }

    /// <summary>Gets the client for creating, listing, reading, updating and deleting event filters (REST).</summary>
    public Filters.FiltersClient Filters { get; }

    /// <summary>Gets the client for the workflows registered on the engine (REST); <see cref="Workflows"/> are those declared on this client.</summary>
    public Workflows.WorkflowsClient RegisteredWorkflows { get; }

    /// <summary>Gets the client for reading tasks' log lines (REST).</summary>
    public LogsClient Logs { get; }

    /// <summary>Gets the client for task and queue metrics (REST).</summary>
    public MetricsClient Metrics { get; }

    /// <summary>Gets the client for following, awaiting and cancelling runs, and for listing, inspecting, cancelling and replaying them in bulk.</summary>
    public RunsClient Runs { get; }

    /// <summary>Gets the workflows and tasks declared on this client, which its workers serve by default.</summary>
    public IReadOnlyList<WorkflowDeclarationBase> Workflows => _workflows.All;

    /// <summary>Gets the logger factory of the client (from <see cref="HatchetClientOptions.LoggerFactory"/>).</summary>
    public ILoggerFactory LoggerFactory { get; }

    internal ResolvedConfig Config { get; }

    internal EngineConnection Connection { get; }

    internal HatchetRestClient Rest { get; }

    internal InterceptorChain Interceptors { get; }

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
                // A failed handshake comes back as Unavailable or Internal depending on where it failed.
                _ when Client.TlsFailureHint.For(e, client.Options) is { } tls => $"The Hatchet engine at {client.Config.HostPort} is unreachable: {tls}.",
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
        var features = await Connection.GetFeaturesAsync(cancellationToken).ConfigureAwait(false);
        return features.Reported;
    }

    /// <summary>Declares a standalone task (a one-task workflow).</summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="name">The task's name, unique in the tenant (namespace applied, lower-cased).</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">Retries, timeouts, concurrency, triggers.</param>
    /// <returns>The declaration, to trigger the task or refine it.</returns>
    /// <exception cref="InvalidWorkflowException">The name is taken on this client or the options are invalid.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the handler's delegate type; a lambda that returns nothing binds to the other one.")]
    public TaskDeclaration<TIn, TOut> Task<TIn, TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options = null) =>
        _workflows.Add(new TaskDeclaration<TIn, TOut>(this, name, handler, options));

    /// <summary>Declares a standalone task whose handler returns nothing (it reports an empty object): a task that only
    /// acts, or only throws.</summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <param name="name">The task's name, unique in the tenant (namespace applied, lower-cased).</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">Retries, timeouts, concurrency, triggers.</param>
    /// <returns>The declaration.</returns>
    /// <exception cref="InvalidWorkflowException">The name is taken on this client or the options are invalid.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the handler's delegate type; a lambda that returns a value binds to the other one.")]
    public TaskDeclaration<TIn, NoOutput> Task<TIn>(string name, Func<TIn, TaskContext, Task> handler, TaskOptions? options = null) =>
        Task(name, HandlerAdapter.WithoutOutput(handler), options);

    /// <summary>Declares a standalone durable task: its <see cref="DurableContext"/> sleeps and waits for events on the
    /// engine, and the wait survives the worker. It takes a slot of the worker's durable pool
    /// (<see cref="HatchetWorkerOptions.DurableSlots"/>), not a default slot.</summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="name">The task's name, unique in the tenant.</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">Retries, timeouts, concurrency, triggers.</param>
    /// <returns>The declaration.</returns>
    public TaskDeclaration<TIn, TOut> DurableTask<TIn, TOut>(string name, Func<TIn, DurableContext, Task<TOut>> handler, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return _workflows.Add(new TaskDeclaration<TIn, TOut>(this, name, (input, ctx) => handler(input, (DurableContext)ctx), options, durable: true));
    }

    /// <summary>Declares a multi-task workflow; add tasks with <see cref="WorkflowDeclaration{TIn}.Task{TOut}"/>.</summary>
    /// <typeparam name="TIn">The workflow input type.</typeparam>
    /// <param name="name">The workflow's name.</param>
    /// <param name="options">Triggers, concurrency, defaults.</param>
    /// <returns>The declaration.</returns>
    public WorkflowDeclaration<TIn> Workflow<TIn>(string name, WorkflowOptions? options = null) =>
        _workflows.Add(new WorkflowDeclaration<TIn>(this, name, options));

    /// <summary>Finds a workflow or task declared on this client.</summary>
    /// <param name="workflowName">The engine name (<see cref="WorkflowDeclarationBase.WorkflowName"/>).</param>
    /// <returns>The declaration, or <see langword="null"/>.</returns>
    public WorkflowDeclarationBase? FindWorkflow(string workflowName) => _workflows.Find(workflowName);

    /// <summary>Creates a worker that serves the workflows declared on this client.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="slots">How many task runs it runs at once.</param>
    /// <returns>The worker; run it with <see cref="HatchetWorker.ExecuteAsync(CancellationToken)"/>.</returns>
    public HatchetWorker Worker(string name, int slots = 100) => new(this, new HatchetWorkerOptions(name) { Slots = slots });

    /// <summary>Creates a worker with full options.</summary>
    /// <param name="options">The worker's options.</param>
    /// <returns>The worker.</returns>
    public HatchetWorker Worker(HatchetWorkerOptions options) => new(this, options);

    /// <summary>Adds an interceptor after the client was created (for layers that attach to an existing client, such
    /// as MageFlow). It sees triggers and task executions that start after this call; it is the innermost so far.</summary>
    /// <param name="interceptor">The interceptor.</param>
    /// <returns>A handle; dispose it to remove the interceptor.</returns>
    public IDisposable AddInterceptor(HatchetInterceptor interceptor)
    {
        ArgumentNullException.ThrowIfNull(interceptor);
        return Interceptors.Add(interceptor);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _listener.DisposeAsync().ConfigureAwait(false);
        Connection.Dispose();
        Rest.Dispose();
    }
}

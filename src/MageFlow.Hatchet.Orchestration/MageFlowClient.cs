using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Orchestration.Exceptions;
using MageFlow.Hatchet.Orchestration.Execution;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Publishing;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using MageFlow.Hatchet.Orchestration.Tracking;
using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>
/// MageFlow on a <see cref="HatchetClient"/>: signatures with success and error callbacks, chains, swarms and root
/// tasks, with their state in Redis. Attach once per client (before or after declaring its tasks); every worker of the
/// client then runs signature tasks through MageFlow, and this process helps follow runs to completion.
/// </summary>
public sealed class MageFlowClient : IAsyncDisposable
{
    private readonly bool _ownsRedis;
    private readonly SignatureFactory _signatures;
    private readonly TaskRegistry _registry;
    private readonly MageFlowInterceptor _interceptor;
    private readonly StartBatcher _starts;
    private readonly EndBatcher _ends;
    private readonly RunFollower _follower;
    private readonly LeaseSweeper _sweeper;
    private readonly RunReconciler _reconciler;
    private IDisposable? _attachment;
    private bool _disposed;

    private MageFlowClient(HatchetClient client, MageFlowOptions options, IConnectionMultiplexer redis, bool ownsRedis)
    {
        Client = client;
        Options = options;
        Redis = redis;
        _ownsRedis = ownsRedis;
        var log = client.LoggerFactory.CreateLogger("MageFlow.Hatchet.Orchestration");
        var time = client.Options.TimeProvider;
        Keys = new RedisKeys(options.KeyPrefix);
        var runner = new ScriptRunner(redis, Keys, time, options.RedisRetry, options, log);
        Scripts = new MageFlowScripts(runner);
        var canceller = new RunCanceller(client, log);
        var publisher = new Publisher(client, Scripts, canceller, options.PublishClaimTimeout, log);
        _follower = new RunFollower(client, Scripts, publisher, canceller, options, Guid.NewGuid().ToString("N"), log);
        Services = new MageFlowServices
        {
            Client = client,
            Options = options,
            Keys = Keys,
            Buckets = new BucketChooser(options.KeySlots),
            Runner = runner,
            Scripts = Scripts,
            Publishing = new PublishQueue(publisher, _follower, log),
            Waiter = new FinishWaiter(redis, Keys, runner, time),
            Canceller = canceller,
            Log = log,
        };
        _signatures = new SignatureFactory(Services);
        Inspector = new Inspection.FlowInspector(Services);
        _registry = new TaskRegistry(runner, Keys);
        _starts = new StartBatcher(Scripts);
        _ends = new EndBatcher(Scripts, _follower, canceller, options, log);
        _interceptor = new MageFlowInterceptor(new SignatureRunner(_starts, _ends, new RootRunner(Services, _signatures, _follower)), new RootCapture(Services, _signatures), _registry);
        _reconciler = new RunReconciler(client, redis, runner, Scripts, _follower, options, time, log);
        _sweeper = new LeaseSweeper(runner, Scripts, _follower, _reconciler, options, time, log);
    }

    /// <summary>Gets the Hatchet client.</summary>
    public HatchetClient Client { get; }

    /// <summary>Gets the read model of flows for viewers and tools: recent flows, and any node with its children and callbacks.</summary>
    public Inspection.FlowInspector Inspector { get; }

    /// <summary>Gets the options (a copy).</summary>
    public MageFlowOptions Options { get; }

    /// <summary>Gets the Redis connection.</summary>
    public IConnectionMultiplexer Redis { get; }

    /// <summary>Gets this process's owner id: the runs it follows are recorded under it, so another process can take them over.</summary>
    public string OwnerId => _follower.Owner;

    /// <summary>Gets the MageFlow instance attached to the client whose worker runs the current task: inside any task body
    /// (and anything it awaits) signing, chaining and swarming work without a captured instance, as the specification's
    /// global <c>mageflow</c> module.</summary>
    /// <exception cref="InvalidOperationException">No task runs on this async flow, or its client has no MageFlow attached.</exception>
    public static MageFlowClient Current =>
        TaskContext.Current is { } context
            ? For(context.Workflow.Client)
            : throw new InvalidOperationException("MageFlowClient.Current is only available inside a task body run by a worker of a client with MageFlow attached; elsewhere use the instance MageFlowClient.AttachAsync returned, or MageFlowClient.For(client)");

    internal MageFlowServices Services { get; }

    internal RedisKeys Keys { get; }

    internal MageFlowScripts Scripts { get; }

    internal LeaseSweeper Sweeper => _sweeper;

    /// <summary>Attaches MageFlow to a client: connects to Redis, plugs MageFlow into the client's workers and triggers,
    /// records the client's tasks as signable, and starts following runs.</summary>
    /// <param name="client">The Hatchet client.</param>
    /// <param name="options">Redis connection, key prefix, TTLs.</param>
    /// <param name="cancellationToken">Cancels the attach.</param>
    /// <returns>The attached instance; dispose it before the client.</returns>
    /// <exception cref="HatchetConfigurationException">The options are invalid.</exception>
    /// <exception cref="RedisConnectionException">Redis is unreachable.</exception>
    public static async Task<MageFlowClient> AttachAsync(HatchetClient client, MageFlowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var copy = (options ?? new MageFlowOptions()).Clone();
        copy.Validate();
        var redis = copy.Redis;
        var owns = false;
        if (redis is null)
        {
            var config = MageFlowOptions.ParseConfiguration(copy.RedisConfiguration ?? Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379");
            config.AbortOnConnectFail = true;
            if (copy.RedisTlsCaFile is { } ca)
            {
                config.TrustIssuer(ca);
            }

            if (copy.RedisTlsCertFile is { } cert)
            {
                config.SetUserPemCertificate(cert, copy.RedisTlsKeyFile);
            }

            try
            {
                redis = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RedisConnectionException e) when (config.Ssl)
            {
                // StackExchange.Redis names a failed handshake only as a connection failure: say which TLS setting to check.
                var trust = copy.RedisTlsCaFile is { } file ? $"the CA in RedisTlsCaFile ({file})" : "the system's trust store (set RedisTlsCaFile, or REDIS_TLS_CA_FILE, for a private CA)";
                var clientSide = copy.RedisTlsCertFile is { } certFile
                    ? $"and Redis must trust the client certificate in RedisTlsCertFile ({certFile})"
                    : "and, if Redis asks for client certificates (tls-auth-clients), set RedisTlsCertFile and RedisTlsKeyFile (REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE)";
                throw new RedisConnectionException(e.FailureType, CommandFlags.None, $"MageFlow could not connect to Redis over TLS ({e.FailureType}): its certificate must chain to {trust} and name the host, {clientSide}. {e.Message}", e, CommandStatus.Unknown);
            }

            owns = true;
        }

        var mageflow = new MageFlowClient(client, copy, redis, owns);
        try
        {
            Attachments.Add(client, mageflow);
            await mageflow.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await mageflow.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return mageflow;
    }

    /// <summary>Gets the MageFlow instance attached to <paramref name="client"/>.</summary>
    /// <param name="client">The Hatchet client.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="InvalidOperationException">No MageFlow is attached to the client.</exception>
    public static MageFlowClient For(HatchetClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Attachments.Find(client) ?? throw new InvalidOperationException("no MageFlow is attached to this Hatchet client; call MageFlowClient.AttachAsync(client) first");
    }

    /// <summary>Records task names that other workers (Python, TypeScript, Go) serve, so they can be signed by name.</summary>
    /// <param name="taskNames">The names (namespace applied, lower-cased).</param>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>A task that completes when they are recorded.</returns>
    public Task RegisterExternalTasksAsync(IEnumerable<string> taskNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskNames);
        return _registry.RecordAsync(taskNames.Select(Services.EngineName), "external", cancellationToken);
    }

    /// <summary>Signs a declared task: saves a signature that can run later, with callbacks.</summary>
    /// <param name="task">The task (or workflow).</param>
    /// <param name="boundInput">Input fields bound now (merged into every message), as Python MageFlow's kwargs.</param>
    /// <param name="successCallbacks">Signatures published with the result when this one succeeds.</param>
    /// <param name="errorCallbacks">Signatures published with the original message when this one fails for good.</param>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentException">The bound input is not a JSON object.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their required first parameter (a declaration or a name), so no call is ambiguous.")]
    public Task<TaskSignature> SignAsync(WorkflowDeclarationBase task, object? boundInput = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return _signatures.CreateTaskAsync(task.WorkflowName, Services.ReturnFieldOf(task.InputType), boundInput, successCallbacks, errorCallbacks, cancellationToken);
    }

    /// <summary>Signs a task by name. The name must be declared on this client, served by a MageFlow worker, or recorded
    /// with <see cref="RegisterExternalTasksAsync"/>.</summary>
    /// <param name="taskName">The task's name.</param>
    /// <param name="boundInput">Input fields bound now.</param>
    /// <param name="successCallbacks">Success callbacks.</param>
    /// <param name="errorCallbacks">Error callbacks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="MageFlowStateException">No worker registered the task.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their required first parameter (a declaration or a name), so no call is ambiguous.")]
    public async Task<TaskSignature> SignAsync(string taskName, object? boundInput = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(taskName);
        var name = Services.EngineName(taskName);
        var local = Client.FindWorkflow(name);
        if (local is null && !await _registry.ContainsAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw new MageFlowStateException(
                $"cannot sign task '{taskName}': no worker registered it (declare it on a client attached to MageFlow, or call RegisterExternalTasksAsync for tasks of other languages)",
                "unregistered");
        }

        var returnField = local is null ? SignatureRecord.DefaultReturnField : Services.ReturnFieldOf(local.InputType);
        return await _signatures.CreateTaskAsync(name, returnField, boundInput, successCallbacks, errorCallbacks, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs one task many times in one Redis round trip (for large swarms).</summary>
    /// <param name="task">The task.</param>
    /// <param name="boundInputs">One bound input per signature.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The signatures, in order.</returns>
    public Task<IReadOnlyList<TaskSignature>> SignManyAsync(WorkflowDeclarationBase task, IEnumerable<object?> boundInputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(boundInputs);
        return _signatures.CreateManyAsync(task.WorkflowName, Services.ReturnFieldOf(task.InputType), boundInputs, cancellationToken);
    }

    /// <summary>Creates a chain: each task gets the previous task's result; the chain's callbacks get the last result.</summary>
    /// <param name="tasks">At least two signatures, in order.</param>
    /// <param name="name">The chain's name (default: from the first task).</param>
    /// <param name="successCallbacks">Success callbacks.</param>
    /// <param name="errorCallbacks">Error callbacks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="ArgumentException">Fewer than two tasks.</exception>
    public Task<ChainSignature> ChainAsync(IReadOnlyList<Signature> tasks, string? name = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count < 2)
        {
            throw new ArgumentException($"a chain needs at least two tasks, got {tasks.Count}", nameof(tasks));
        }

        return _signatures.CreateChainAsync(tasks, $"chain-task:{name ?? tasks[0].Name}", successCallbacks, errorCallbacks, cancellationToken);
    }

    /// <summary>Creates a swarm: items run in parallel under <see cref="SwarmConfig.MaxConcurrency"/>; its success callbacks
    /// get the list of results once it is closed and every item finished.</summary>
    /// <param name="tasks">Initial items (more can be added while it runs).</param>
    /// <param name="config">Concurrency, failure and size limits.</param>
    /// <param name="name">The swarm's name (default <c>swarm-task-&lt;id&gt;</c>).</param>
    /// <param name="successCallbacks">Success callbacks.</param>
    /// <param name="errorCallbacks">Error callbacks.</param>
    /// <param name="closed">Whether no more items will come.</param>
    /// <param name="boundInput">Fields merged into every item's message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The swarm.</returns>
    /// <exception cref="ArgumentException">A limit of <paramref name="config"/> is out of range.</exception>
    public Task<SwarmSignature> SwarmAsync(IReadOnlyList<Signature>? tasks = null, SwarmConfig? config = null, string? name = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, bool closed = false, object? boundInput = null, CancellationToken cancellationToken = default)
    {
        var cfg = config ?? new SwarmConfig();
        cfg.Validate(name ?? "swarm");
        return _signatures.CreateSwarmAsync(name, cfg, tasks, successCallbacks, errorCallbacks, closed, boundInput, cancellationToken);
    }

    /// <summary>Loads a signature by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The signature, or <see langword="null"/> when Redis has no such record (never created, or expired).</returns>
    public Task<Signature?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _signatures.LoadAsync(id, cancellationToken);
    }

    /// <summary>
    /// Finds the signature a Hatchet run belongs to: MageFlow publishes every signature's run with the signature id in its
    /// additional metadata (<c>task_id</c>), so an operator who finds a run in Hatchet's UI can reach its flow
    /// (<see cref="Signature.Flow"/>). The way back is <see cref="Signature.GetRunIdAsync"/>.
    /// </summary>
    /// <param name="runId">The workflow run id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The signature, or <see langword="null"/> when the run was not started by MageFlow or its record is gone (expired).</returns>
    /// <exception cref="Hatchet.Exceptions.HatchetApiException">The engine refused (<c>404</c> for an unknown run).</exception>
    public async Task<Signature?> FindByRunIdAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var run = await Client.Runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);

        // A plain run triggered inside a root task carries an empty id: it belongs to no signature.
        return run.AdditionalMetadata.ValueKind == System.Text.Json.JsonValueKind.Object &&
            run.AdditionalMetadata.TryGetProperty(Publishing.Publisher.SignatureMetadataKey, out var id) &&
            id.ValueKind == System.Text.Json.JsonValueKind.String && id.GetString() is { Length: > 0 } signatureId
            ? await GetAsync(signatureId, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>
    /// Compares every run that Redis believes is running (and every run this process follows) with the engine's record
    /// now, and records the ends Redis lost. The sweeper does this by itself after each reconnection to Redis and every
    /// <see cref="MageFlowOptions.ReconcileInterval"/>; call it after a known loss (a restore from backup, a failover).
    /// </summary>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>What the pass found and repaired.</returns>
    public Task<Tracking.ReconcileReport> ReconcileAsync(CancellationToken cancellationToken = default) =>
        _reconciler.ReconcileAsync(TimeSpan.Zero, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _attachment?.Dispose();
        Attachments.Remove(Client, this);

        // Every loop of this instance stops here, in dependency order: nothing outlives its owner.
        await _sweeper.DisposeAsync().ConfigureAwait(false);
        await _starts.DisposeAsync().ConfigureAwait(false);
        await _ends.DisposeAsync().ConfigureAwait(false);
        await Services.Publishing.DisposeAsync().ConfigureAwait(false);
        await _follower.DisposeAsync().ConfigureAwait(false);
        await Services.Waiter.DisposeAsync().ConfigureAwait(false);
        if (_ownsRedis)
        {
            await Redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await Services.Waiter.StartAsync().ConfigureAwait(false);
        await _registry.RecordAsync(Client.Workflows, cancellationToken).ConfigureAwait(false);
        _attachment = Client.AddInterceptor(_interceptor);
        _sweeper.Start();
    }
}

using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>
/// MageFlow on a <see cref="HatchetClient"/>: signatures with success and error callbacks, chains and swarms,
/// with their state in Redis. Attach once per client; every worker of the client then runs signature tasks
/// through MageFlow's wrapper, and this process helps track runs to completion.
/// </summary>
public sealed class Mageflow : IAsyncDisposable
{
    internal const string DefaultReturnField = "mageflow_results";
    private const string CounterKey = "mageflow.signature-counter";
    private readonly bool _ownsRedis;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _finishedWaiters = new(StringComparer.Ordinal);
    private readonly SignatureMiddleware _middleware;
    private readonly RootTriggerCapture _capture;
    private bool _disposed;

    private Mageflow(HatchetClient client, MageflowOptions options, IConnectionMultiplexer redis, bool ownsRedis)
    {
        Client = client;
        Options = options;
        _ownsRedis = ownsRedis;
        Store = new RedisStore(redis, options.KeyPrefix, client.Options.TimeProvider);
        Log = client.LoggerFactory.CreateLogger("MageFlow.Hatchet.Orchestration");
        Tracker = new Tracker(this);
        _middleware = new SignatureMiddleware(this);
        _capture = new RootTriggerCapture(this);
    }

    /// <summary>Gets the Hatchet client.</summary>
    public HatchetClient Client { get; }

    /// <summary>Gets the options (a copy).</summary>
    public MageflowOptions Options { get; }

    /// <summary>Gets the Redis connection.</summary>
    public IConnectionMultiplexer Redis => Store.Redis;

    /// <summary>Gets this process's owner id: the runs it tracks are recorded under it, so another process can take them over.</summary>
    public string OwnerId => Tracker.Owner;

    internal RedisStore Store { get; }

    internal Tracker Tracker { get; }

    internal ILogger Log { get; }

    /// <summary>Attaches MageFlow to a client: connects to Redis, registers the signature wrapper for the client's workers,
    /// records the client's tasks as signable, and starts tracking runs.</summary>
    /// <param name="client">The Hatchet client.</param>
    /// <param name="options">Redis connection, key prefix, TTLs.</param>
    /// <param name="cancellationToken">Cancels the attach.</param>
    /// <returns>The attached instance; dispose it before the client.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="RedisConnectionException">Redis is unreachable.</exception>
    public static async Task<Mageflow> AttachAsync(HatchetClient client, MageflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var copy = (options ?? new MageflowOptions()).Clone();
        copy.Validate();
        var redis = copy.Redis;
        var owns = false;
        if (redis is null)
        {
            var config = copy.RedisConfiguration ?? Environment.GetEnvironmentVariable("REDIS_URL") ?? "localhost:6379";
            var parsed = MageflowOptions.ParseConfiguration(config);
            parsed.AbortOnConnectFail = true;
            redis = await ConnectionMultiplexer.ConnectAsync(parsed).WaitAsync(cancellationToken).ConfigureAwait(false);
            owns = true;
        }

        var mageflow = new Mageflow(client, copy, redis, owns);
        await mageflow.StartAsync().ConfigureAwait(false);
        return mageflow;
    }

    /// <summary>Records task names that other workers (Python, TypeScript, Go) serve, so they can be signed by name.</summary>
    /// <param name="taskNames">The names (namespace applied, lower-cased).</param>
    /// <returns>A task that completes when they are recorded.</returns>
    public async Task RegisterExternalTasksAsync(params string[] taskNames)
    {
        var entries = taskNames.Select(n => new HashEntry(EngineName(n), "external")).ToArray();
        await Store.Do(db => db.HashSetAsync(Store.RegistryKey, entries).ContinueWith(_ => true, TaskScheduler.Default)).ConfigureAwait(false);
    }

    /// <summary>Signs a declared task: saves a signature that can run later, with callbacks.</summary>
    /// <param name="task">The task (or workflow).</param>
    /// <param name="kwargs">Input fields bound now (merged into every message).</param>
    /// <param name="successCallbacks">Signatures published with the result when this one succeeds.</param>
    /// <param name="errorCallbacks">Signatures published with the original message when this one fails for good.</param>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>The signature.</returns>
    public Task<TaskSignature> SignAsync(WorkflowDeclarationBase task, object? kwargs = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return CreateTaskAsync(task.WorkflowName, ReturnFieldOf(task.InputType), kwargs, successCallbacks, errorCallbacks, cancellationToken);
    }

    /// <summary>Signs a task by name. The name must be declared on this client, or recorded with <see cref="RegisterExternalTasksAsync"/> or by another MageFlow process.</summary>
    /// <param name="taskName">The task's name.</param>
    /// <param name="kwargs">Input fields bound now.</param>
    /// <param name="successCallbacks">Success callbacks.</param>
    /// <param name="errorCallbacks">Error callbacks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="MageflowStateException">No worker registered the task.</exception>
    public async Task<TaskSignature> SignAsync(string taskName, object? kwargs = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, CancellationToken cancellationToken = default)
    {
        var name = EngineName(taskName);
        var local = Client.Workflows.FirstOrDefault(w => w.WorkflowName == name);
        if (local is null && !await Store.Do(db => db.HashExistsAsync(Store.RegistryKey, name)).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new MageflowStateException(
                $"cannot sign task '{taskName}': no worker registered it (declare it on a client attached to MageFlow, or call RegisterExternalTasksAsync for tasks of other languages)",
                "unregistered");
        }

        return await CreateTaskAsync(name, local is null ? DefaultReturnField : ReturnFieldOf(local.InputType), kwargs, successCallbacks, errorCallbacks, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs one task many times in one Redis round trip (for large swarms).</summary>
    /// <param name="task">The task.</param>
    /// <param name="kwargs">One kwargs object per signature.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The signatures, in order.</returns>
    public async Task<IReadOnlyList<TaskSignature>> SignManyAsync(WorkflowDeclarationBase task, IEnumerable<object?> kwargs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(kwargs);
        var returnField = ReturnFieldOf(task.InputType);
        var signatures = new List<TaskSignature>();

        // Every signature shares its fields but kwargs: they travel once, then one (id, kwargs) pair per signature.
        var shared = Fields("task", task.WorkflowName, "{}", returnField, null, null);
        var kwargsAt = shared.IndexOf("kwargs");
        shared.RemoveRange(kwargsAt, 2);
        // Outside a task body ids are random, so none can exist yet and the script skips the existence check.
        var args = new List<RedisValue>(2 + shared.Count) { TaskContext.Current is null ? "1" : "0", shared.Count };
        args.AddRange(shared);
        foreach (var kw in kwargs)
        {
            var json = Serialize(kw);
            if (!json.TrimStart().StartsWith('{'))
            {
                throw new ArgumentException($"kwargs for task '{task.WorkflowName}' must serialize to a JSON object, got: {json}", nameof(kwargs));
            }

            var id = NewId();
            args.Add(id);
            args.Add(json);
            signatures.Add(new TaskSignature(this, id, task.WorkflowName));
        }

        if (signatures.Count > 0)
        {
            await Store.EvalAsync("create_many", [.. args]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return signatures;
    }

    /// <summary>Creates a chain: each task gets the previous task's result; the chain's callbacks get the last result.</summary>
    /// <param name="tasks">At least two signatures, in order.</param>
    /// <param name="name">The chain's name (default: from the first task).</param>
    /// <param name="successCallbacks">Success callbacks.</param>
    /// <param name="errorCallbacks">Error callbacks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chain.</returns>
    public async Task<ChainSignature> ChainAsync(IReadOnlyList<Signature> tasks, string? name = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count < 2)
        {
            throw new ArgumentException($"a chain needs at least two tasks, got {tasks.Count}", nameof(tasks));
        }

        var id = NewId();
        var fields = Fields("chain", $"chain-task:{name ?? tasks[0].Name}", "{}", DefaultReturnField, successCallbacks, errorCallbacks);
        fields.AddRange(["tasks", string.Join(",", tasks.Select(t => t.Id)), "idx", "0"]);
        await CreateAsync(id, "chain", fields, cancellationToken).ConfigureAwait(false);
        return new ChainSignature(this, id, $"chain-task:{name ?? tasks[0].Name}");
    }

    /// <summary>Creates a swarm: items run in parallel under <see cref="SwarmConfig.MaxConcurrency"/>; its success callbacks get the list of results once it is closed and every item finished.</summary>
    /// <param name="tasks">Initial items (more can be added while it runs).</param>
    /// <param name="config">Concurrency, failure and size limits.</param>
    /// <param name="name">The swarm's name (default <c>swarm-task-&lt;id&gt;</c>).</param>
    /// <param name="successCallbacks">Success callbacks.</param>
    /// <param name="errorCallbacks">Error callbacks.</param>
    /// <param name="isSwarmClosed">Whether no more items will come.</param>
    /// <param name="kwargs">Fields merged into every item's message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The swarm.</returns>
    public async Task<SwarmSignature> SwarmAsync(IReadOnlyList<Signature>? tasks = null, SwarmConfig? config = null, string? name = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, bool isSwarmClosed = false, object? kwargs = null, CancellationToken cancellationToken = default)
    {
        var cfg = config ?? new SwarmConfig();
        cfg.Validate(name ?? "swarm");
        var id = NewId();
        return await CreateSwarmAsync(id, name ?? $"swarm-task-{id}", cfg, tasks, successCallbacks, errorCallbacks, isSwarmClosed, kwargs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads a signature by id.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The signature, or <see langword="null"/> when Redis has no such record (never created, or expired).</returns>
    public async Task<Signature?> GetAsync(string id)
    {
        var h = await Store.Do(db => db.HashGetAsync(Store.SigKey(id), ["kind", "name"])).ConfigureAwait(false);
        return (string?)h[0] switch
        {
            "task" => new TaskSignature(this, id, (string)h[1]!),
            "chain" => new ChainSignature(this, id, (string)h[1]!),
            "swarm" => new SwarmSignature(this, id, (string)h[1]!),
            _ => null,
        };
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Client.Middleware.Remove(_middleware);
        Client.TriggerInterceptors.Remove(_capture);
        await Tracker.DisposeAsync().ConfigureAwait(false);
        await Redis.GetSubscriber().UnsubscribeAsync(Store.FinishedChannel).ConfigureAwait(false);
        foreach (var w in _finishedWaiters.Values)
        {
            w.TrySetCanceled();
        }

        if (_ownsRedis)
        {
            await Redis.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal async Task<SwarmSignature> CreateSwarmAsync(string id, string name, SwarmConfig cfg, IReadOnlyList<Signature>? tasks, IEnumerable<Signature>? successCallbacks, IEnumerable<Signature>? errorCallbacks, bool closed, object? kwargs, CancellationToken cancellationToken)
    {
        var fields = Fields("swarm", name, Serialize(kwargs), DefaultReturnField, successCallbacks, errorCallbacks);
        fields.AddRange([
            "maxc", cfg.MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "stopn", (cfg.StopAfterNFailures ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "maxn", (cfg.MaxTaskAllowed ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "closed", "0", "started", "0", "running", "0", "total", "0", "nok", "0", "nfail", "0",
        ]);
        var created = await CreateAsync(id, "swarm", fields, cancellationToken).ConfigureAwait(false);
        var swarm = new SwarmSignature(this, id, name);
        if (created && tasks is { Count: > 0 })
        {
            await swarm.AddTasksAsync(tasks, cancellationToken).ConfigureAwait(false);
        }

        if (created && closed)
        {
            await swarm.CloseAsync(cancellationToken).ConfigureAwait(false);
        }

        return swarm;
    }

    /// <summary>Waits until a signature reaches a final status; returns its hash.</summary>
    internal async Task<HashEntry[]> WaitFinishedAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var tcs = _finishedWaiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var all = await Store.Do(db => db.HashGetAllAsync(Store.SigKey(id))).ConfigureAwait(false);
            var status = all.FirstOrDefault(e => e.Name == "status").Value;
            if (all.Length == 0)
            {
                _finishedWaiters.TryRemove(id, out _);
                throw new MageflowStateException($"signature {id} does not exist (it was removed or has expired)", "missing");
            }

            if (status == "done" || status == "failed" || status == "canceled")
            {
                _finishedWaiters.TryRemove(id, out _);
                return all;
            }

            // A missed notification only costs a re-check a little later.
            await Task.WhenAny(tcs.Task, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            _finishedWaiters.TryRemove(new KeyValuePair<string, TaskCompletionSource>(id, tcs));
        }
    }

    /// <summary>Creates the signature of a plain trigger captured by a root task.</summary>
    internal async Task<TaskSignature> CreateCapturedAsync(string engineName, string metadataJson, CancellationToken cancellationToken)
    {
        var id = NewId();
        var fields = Fields("task", engineName, "{}", DefaultReturnField, null, null);
        fields.AddRange(["meta", metadataJson]);
        await CreateAsync(id, "task", fields, cancellationToken).ConfigureAwait(false);
        return new TaskSignature(this, id, engineName);
    }

    /// <summary>Starts a root task's swarm (or finds it again on a retry).</summary>
    internal async Task BeginRootAsync(string swarmId, string? rootSignatureId, string name, RootConfig config)
    {
        var ttl = Options.TtlFor("swarm");
        await Store.EvalAsync(
            "root_begin",
            swarmId,
            rootSignatureId ?? string.Empty,
            "kind", "swarm", "name", name, "kwargs", "{}", "rf", DefaultReturnField, "status", "active", "parent", string.Empty,
            "succ", string.Empty, "err", string.Empty, "ttl_a", RedisStore.Seconds(ttl.Active), "ttl_d", RedisStore.Seconds(ttl.Done),
            "maxc", config.MaxConcurrency, "stopn", config.StopAfterNFailures ?? 0, "maxn", 0,
            "closed", "0", "started", "1", "running", "0", "total", "0", "nok", "0", "nfail", "0", "msg", "{}").ConfigureAwait(false);
    }

    /// <summary>Ends a root task's body: close (returned) or stop (failed for good) its swarm.</summary>
    internal async Task EndRootAsync(string swarmId, bool returned, string error)
    {
        var (_, publish) = await Store.EvalWithPublishAsync("root_end", swarmId, returned ? "1" : "0", error).ConfigureAwait(false);
        await Tracker.PublishAsync(publish, CancellationToken.None).ConfigureAwait(false);
    }

    internal static string DerivedId(string seed) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16)).ToString();

    internal static string NewId()
    {
        // Inside a task body, ids derive from the task run and creation order, so a retried body gets
        // the same signatures back (and nothing runs twice).
        if (TaskContext.Current is { } ctx)
        {
            var counter = (StrongBox)ctx.Items.GetOrAdd(CounterKey, _ => new StrongBox());
            var n = Interlocked.Increment(ref counter.Value);
            return DerivedId($"{ctx.TaskRunExternalId}#{n}");
        }

        return Guid.NewGuid().ToString();
    }

    internal string Serialize(object? value) =>
        value switch
        {
            null => "{}",
            string s => s,
            _ => JsonSerializer.Serialize(value, value.GetType(), Client.Options.JsonSerializerOptions),
        };

    internal string EngineName(string name) => (Client.Namespace + name.Trim()).ToLowerInvariant();

    internal void NotifyFinished(string id)
    {
        if (_finishedWaiters.TryGetValue(id, out var tcs))
        {
            tcs.TrySetResult();
        }
    }

    private async Task StartAsync()
    {
        await Redis.GetSubscriber().SubscribeAsync(Store.FinishedChannel, (_, message) => NotifyFinished(message!)).ConfigureAwait(false);
        var names = Client.Workflows.Select(w => new HashEntry(w.WorkflowName, "dotnet")).ToArray();
        if (names.Length > 0)
        {
            await Store.Do(db => db.HashSetAsync(Store.RegistryKey, names).ContinueWith(_ => true, TaskScheduler.Default)).ConfigureAwait(false);
        }

        Client.Middleware.Add(_middleware);
        Client.TriggerInterceptors.Add(_capture);
        Tracker.Start();
    }

    private async Task<TaskSignature> CreateTaskAsync(string engineName, string returnField, object? kwargs, IEnumerable<Signature>? success, IEnumerable<Signature>? error, CancellationToken cancellationToken)
    {
        var kw = Serialize(kwargs);
        if (!kw.TrimStart().StartsWith('{'))
        {
            throw new ArgumentException($"kwargs for task '{engineName}' must serialize to a JSON object, got: {kw}", nameof(kwargs));
        }

        var id = NewId();
        var fields = Fields("task", engineName, kw, returnField, success, error);
        if (MageflowScope.Current is { } scope && scope.Mageflow == this)
        {
            // Inside a root body, children are signed by the thousand: pipeline the write (a task signature
            // cannot fail to be created; a Redis fault surfaces when the child is added).
            var args = new List<RedisValue> { id, RedisStore.Seconds(Options.TtlFor("task").Active) };
            args.AddRange(fields);
            await Store.EvalAndForgetAsync("create", [.. args]).ConfigureAwait(false);
        }
        else
        {
            await CreateAsync(id, "task", fields, cancellationToken).ConfigureAwait(false);
        }

        return new TaskSignature(this, id, engineName);
    }

    private List<RedisValue> Fields(string kind, string name, string kwargs, string returnField, IEnumerable<Signature>? success, IEnumerable<Signature>? error)
    {
        var ttl = Options.TtlFor(kind);
        return
        [
            "kind", kind, "name", name, "kwargs", kwargs, "rf", returnField, "status", "pending", "parent", string.Empty,
            "succ", string.Join(",", (success ?? []).Select(s => s.Id)), "err", string.Join(",", (error ?? []).Select(s => s.Id)),
            "ttl_a", RedisStore.Seconds(ttl.Active), "ttl_d", RedisStore.Seconds(ttl.Done),
        ];
    }

    private async Task<bool> CreateAsync(string id, string kind, List<RedisValue> fields, CancellationToken cancellationToken)
    {
        var args = new List<RedisValue> { id, RedisStore.Seconds(Options.TtlFor(kind).Active) };
        args.AddRange(fields);
        var result = (RedisResult[])(await Store.EvalAsync("create", [.. args]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var error = (string)result[1]!;
        if (error.Length > 0)
        {
            var parts = error.Split(':');
            throw new MageflowStateException(parts[0] switch
            {
                "missing" => $"cannot create {kind}: signature {parts[1]} does not exist",
                "owned" => $"cannot create {kind}: signature {parts[1]} already belongs to {parts[2]}",
                _ => $"cannot create {kind}: {error}",
            }, parts[0]);
        }

        return (int)result[0] == 1;
    }

    private string ReturnFieldOf(Type inputType)
    {
        var property = inputType.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => p.GetCustomAttribute<ReturnValueAttribute>() is not null);
        if (property is null)
        {
            return DefaultReturnField;
        }

        return property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
            ?? Client.Options.JsonSerializerOptions.PropertyNamingPolicy?.ConvertName(property.Name)
            ?? property.Name;
    }

    private sealed class StrongBox
    {
        public int Value;
    }
}

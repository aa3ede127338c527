using System.Globalization;
using System.Reflection;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>
/// The only place that knows MageFlow's key scheme and Lua scripts (see docs/redis-schema.md). Every state
/// transition is one script, so it is atomic; transient Redis faults are retried with Polly.
/// </summary>
internal sealed class RedisStore
{
    private static readonly string Common = Load("common");
    private static readonly Dictionary<string, string> Scripts = new[]
    {
        "create", "create_many", "run", "root_begin", "root_end", "swarm_add", "swarm_close", "prepare_many", "mark_many", "sig_start", "on_finished", "owners", "lifecycle", "publish_failed",
    }.ToDictionary(n => n, n => Common + "\n" + Load(n), StringComparer.Ordinal);

    private readonly IDatabase _db;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _hashes = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline _retry;
    private readonly TimeProvider _time;

    public RedisStore(IConnectionMultiplexer redis, string prefix, TimeProvider time)
    {
        Redis = redis;
        _db = redis.GetDatabase();
        _time = time;
        Prefix = "{" + prefix + "}";
        redis.ConnectionRestored += (_, _) => _hashes.Clear();
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(50),
                ShouldHandle = new PredicateBuilder().Handle<RedisConnectionException>().Handle<RedisTimeoutException>(),
            })
            .Build();
    }

    public IConnectionMultiplexer Redis { get; }

    /// <summary>Gets the key prefix with its hash tag, e.g. <c>{mageflow}</c>.</summary>
    public string Prefix { get; }

    public RedisChannel FinishedChannel => RedisChannel.Literal(Prefix + ":finished");

    public string SigKey(string id) => Prefix + ":sig:" + id;

    public string RegistryKey => Prefix + ":registry";

    public string PublishingKey => Prefix + ":publishing";

    /// <summary>Runs a script with the common arguments (prefix, now) in front of <paramref name="args"/>.</summary>
    public async Task<RedisResult> EvalAsync(string script, params RedisValue[] args)
    {
        var values = new RedisValue[args.Length + 2];
        values[0] = Prefix;
        values[1] = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Array.Copy(args, 0, values, 2, args.Length);
        return await _retry.ExecuteAsync(async _ => await EvalShaAsync(script, values).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Sends a script without waiting for its reply. Redis runs commands of one connection in order, so a
    /// later script sees its effect; a failure shows up there (for example as a missing signature).</summary>
    /// <remarks>A restarted Redis has lost its script cache; the connection's restore event makes every script
    /// load again before its next use, so a fire-and-forget EVALSHA is not silently refused with NOSCRIPT.</remarks>
    public async Task EvalAndForgetAsync(string script, params RedisValue[] args)
    {
        if (!_hashes.TryGetValue(script, out var hash))
        {
            hash = await LoadAsync(script).ConfigureAwait(false);
            _hashes[script] = hash;
        }

        var values = new RedisValue[args.Length + 2];
        values[0] = Prefix;
        values[1] = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Array.Copy(args, 0, values, 2, args.Length);
        _db.ScriptEvaluate(hash, null, values, CommandFlags.FireAndForget);
    }

    /// <summary>Runs a script whose result is a status followed by signature ids to publish.</summary>
    public async Task<(string Status, string[] Publish)> EvalWithPublishAsync(string script, params RedisValue[] args)
    {
        var result = (RedisResult[])(await EvalAsync(script, args).ConfigureAwait(false))!;
        var status = (string)result[0]!;
        var ids = new string[result.Length - 1];
        for (var i = 1; i < result.Length; i++)
        {
            ids[i - 1] = (string)result[i]!;
        }

        return (status, ids);
    }

    /// <summary>Runs a script by its SHA1 (EVALSHA), loading it once per connection; reloads after a server restart.</summary>
    private async Task<RedisResult> EvalShaAsync(string script, RedisValue[] values)
    {
        if (!_hashes.TryGetValue(script, out var hash))
        {
            hash = await LoadAsync(script).ConfigureAwait(false);
            _hashes[script] = hash;
        }

        try
        {
            return await _db.ScriptEvaluateAsync(hash, null, values).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // Redis lost its script cache (restart, SCRIPT FLUSH): every script must be loaded again.
            _hashes.Clear();
            _hashes[script] = hash;
            await LoadAsync(script).ConfigureAwait(false);
            return await _db.ScriptEvaluateAsync(hash, null, values).ConfigureAwait(false);
        }
    }

    /// <summary>Loads a script on every primary; returns its SHA1 as Redis computed it.</summary>
    private async Task<byte[]> LoadAsync(string script)
    {
        byte[]? hash = null;
        foreach (var endpoint in Redis.GetEndPoints())
        {
            var server = Redis.GetServer(endpoint);
            if (server.IsConnected && !server.IsReplica)
            {
                hash = await server.ScriptLoadAsync(Scripts[script]).ConfigureAwait(false);
            }
        }

        return hash ?? throw new InvalidOperationException("no connected Redis primary to load MageFlow scripts on");
    }

    public Task<T> Do<T>(Func<IDatabase, Task<T>> action) =>
        _retry.ExecuteAsync(async _ => await action(_db).ConfigureAwait(false)).AsTask();

    public static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan t) => ((long)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"MageFlow.Lua.{name}.lua")
            ?? throw new InvalidOperationException($"Lua script '{name}' is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using System.Collections.Concurrent;
using System.Reflection;
using MageFlow.Hatchet.Resilience;
using Polly;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>
/// Runs MageFlow's Lua scripts: each one is <c>common.lua</c> followed by its own file, loaded once per primary and run
/// by SHA1 (reloaded after a restart), with the global prefix and the time in front of its arguments. Every call runs
/// in one slot bucket: KEYS[1] is the bucket's prefix (the script builds every key from it, so all share its hash
/// tag), which also routes the call to the cluster node that owns the slot. A bucket is added to the bucket list
/// before the first script that writes in it (once per process). Transient Redis faults are retried with the
/// configured policy. With <see cref="MageFlowOptions.RedisWaitReplicas"/> set, a step returns once that many replicas
/// have it (<see cref="ReplicaWait"/>).
/// </summary>
internal sealed class ScriptRunner
{
    private static readonly string Common = Load("common");
    private static readonly ConcurrentDictionary<string, string> Sources = new(StringComparer.Ordinal);

    private readonly IConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly ConcurrentDictionary<string, bool> _knownBuckets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly ConcurrentDictionary<string, byte[]> _hashes = new(StringComparer.Ordinal);
    private readonly ReplicaWait? _replicaWait;

    public ScriptRunner(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time, RetryOptions retry, MageFlowOptions? options = null, Microsoft.Extensions.Logging.ILogger? log = null)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _keys = keys;
        _time = time;
        _retry = retry.ToPipeline(e => e is RedisConnectionException or RedisTimeoutException, time);
        if (options is { RedisWaitReplicas: > 0 })
        {
            _replicaWait = new ReplicaWait(redis, options.RedisWaitReplicas, options.RedisWaitTimeout, _retry, log);
        }
        redis.ConnectionRestored += (_, _) => _hashes.Clear();
    }

    public IDatabase Database => _db;

    /// <summary>Gets the key names (a script call runs in the bucket of <see cref="RedisKeys.PrefixOf"/> its subject).</summary>
    public RedisKeys Keys => _keys;

    /// <summary>Gets the clock scripts read their time from.</summary>
    public TimeProvider Time => _time;

    /// <summary>Runs a Redis call (not a script) under the retry policy.</summary>
    public Task<T> DoAsync<T>(Func<IDatabase, Task<T>> action, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async _ => await action(_db).ConfigureAwait(false), cancellationToken).AsTask();

    /// <summary>Runs a script in the bucket of <paramref name="bucketPrefix"/> and returns its reply. Cancellation stops
    /// waiting; the script may still run.</summary>
    public async Task<RedisResult> EvalAsync(string bucketPrefix, string script, RedisValue[] args, CancellationToken cancellationToken = default)
    {
        await EnsureBucketAsync(bucketPrefix, cancellationToken).ConfigureAwait(false);
        var values = WithPrelude(args);
        RedisKey[] keys = [bucketPrefix];
        var result = await _retry.ExecuteAsync(async ct => await EvalShaAsync(script, keys, values).WaitAsync(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (_replicaWait is not null)
        {
            await _replicaWait.WaitAsync(bucketPrefix, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Lists the prefixes of every bucket that ever held state, the legacy bucket first.</summary>
    public async Task<IReadOnlyList<string>> BucketsAsync(CancellationToken cancellationToken)
    {
        var members = await DoAsync(db => db.SetMembersAsync(_keys.Buckets), cancellationToken).ConfigureAwait(false);
        var buckets = new List<string>(members.Length + 1) { _keys.Prefix };
        buckets.AddRange(members.Select(m => (string)m!).Where(m => m != _keys.Prefix).Order(StringComparer.Ordinal));
        return buckets;
    }

    /// <summary>Adds a bucket to the bucket list before its first script runs (once per process: one SADD per bucket).</summary>
    private async ValueTask EnsureBucketAsync(string bucketPrefix, CancellationToken cancellationToken)
    {
        if (bucketPrefix == _keys.Prefix || _knownBuckets.ContainsKey(bucketPrefix))
        {
            return;
        }

        await DoAsync(db => db.SetAddAsync(_keys.Buckets, bucketPrefix), cancellationToken).ConfigureAwait(false);
        _knownBuckets[bucketPrefix] = true;
    }

    /// <summary>Sends a script without waiting for its reply. Redis runs commands of one connection in order, so a
    /// later script sees its effect; a failure shows up there (for example as a missing signature).</summary>
    /// <remarks>A restarted Redis has lost its script cache; the connection's restore event makes every script
    /// load again before its next use, so a fire-and-forget EVALSHA is not silently refused with NOSCRIPT.</remarks>
    public async Task EvalAndForgetAsync(string bucketPrefix, string script, RedisValue[] args)
    {
        await EnsureBucketAsync(bucketPrefix, CancellationToken.None).ConfigureAwait(false);
        var hash = await HashOfAsync(script).ConfigureAwait(false);
        _db.ScriptEvaluate(hash, [bucketPrefix], WithPrelude(args), CommandFlags.FireAndForget);
    }

    private RedisValue[] WithPrelude(RedisValue[] args)
    {
        var values = new RedisValue[args.Length + 2];
        values[0] = _keys.Prefix;
        values[1] = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Array.Copy(args, 0, values, 2, args.Length);
        return values;
    }

    private async Task<RedisResult> EvalShaAsync(string script, RedisKey[] keys, RedisValue[] values)
    {
        var hash = await HashOfAsync(script).ConfigureAwait(false);
        try
        {
            return await _db.ScriptEvaluateAsync(hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // Redis lost its script cache (restart, SCRIPT FLUSH): every script must be loaded again.
            _hashes.Clear();
            _hashes[script] = hash;
            await LoadOnPrimariesAsync(script).ConfigureAwait(false);
            return await _db.ScriptEvaluateAsync(hash, keys, values).ConfigureAwait(false);
        }
    }

    private async ValueTask<byte[]> HashOfAsync(string script)
    {
        if (!_hashes.TryGetValue(script, out var hash))
        {
            hash = await LoadOnPrimariesAsync(script).ConfigureAwait(false);
            _hashes[script] = hash;
        }

        return hash;
    }

    /// <summary>Loads a script on every primary; returns its SHA1 as Redis computed it.</summary>
    private async Task<byte[]> LoadOnPrimariesAsync(string script)
    {
        var source = Sources.GetOrAdd(script, n => Common + "\n" + Load(n));
        byte[]? hash = null;
        foreach (var endpoint in _redis.GetEndPoints())
        {
            var server = _redis.GetServer(endpoint);
            if (server.IsConnected && !server.IsReplica)
            {
                hash = await server.ScriptLoadAsync(source).ConfigureAwait(false);
            }
        }

        return hash ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "no connected Redis primary to load MageFlow's scripts on", null, CommandStatus.Unknown);
    }

    private static string Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"MageFlow.Lua.{name}.lua")
            ?? throw new InvalidOperationException($"Lua script '{name}' is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

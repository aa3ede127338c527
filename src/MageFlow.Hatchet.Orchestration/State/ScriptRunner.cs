using System.Collections.Concurrent;
using System.Reflection;
using MageFlow.Hatchet.Resilience;
using Polly;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.State;

/// <summary>
/// Runs MageFlow's Lua scripts: each one is <c>common.lua</c> followed by its own file, loaded once per server and run
/// by SHA1 (reloaded after a restart), with the key prefix and the time in front of its arguments. Transient Redis
/// faults are retried with the configured policy. With <see cref="MageFlowOptions.RedisWaitReplicas"/> set, a step
/// returns once that many replicas have it (Redis <c>WAIT</c>), so a failover does not lose it.
/// </summary>
internal sealed class ScriptRunner
{
    private static readonly string Common = Load("common");
    private static readonly ConcurrentDictionary<string, string> Sources = new(StringComparer.Ordinal);

    private readonly IConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly ConcurrentDictionary<string, byte[]> _hashes = new(StringComparer.Ordinal);

    private readonly int _waitReplicas;
    private readonly long _waitTimeoutMs;
    private readonly Microsoft.Extensions.Logging.ILogger? _log;

    public ScriptRunner(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider time, RetryOptions retry, MageFlowOptions? options = null, Microsoft.Extensions.Logging.ILogger? log = null)
    {
        _waitReplicas = options?.RedisWaitReplicas ?? 0;
        _waitTimeoutMs = (long)(options?.RedisWaitTimeout ?? TimeSpan.Zero).TotalMilliseconds;
        _log = log;
        _redis = redis;
        _db = redis.GetDatabase();
        _prefix = keys.Prefix;
        _time = time;
        _retry = retry.ToPipeline(e => e is RedisConnectionException or RedisTimeoutException, time);
        redis.ConnectionRestored += (_, _) => _hashes.Clear();
    }

    public IDatabase Database => _db;

    /// <summary>Runs a Redis call (not a script) under the retry policy.</summary>
    public Task<T> DoAsync<T>(Func<IDatabase, Task<T>> action, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async _ => await action(_db).ConfigureAwait(false), cancellationToken).AsTask();

    /// <summary>Runs a script and returns its reply. Cancellation stops waiting; the script may still run.</summary>
    public async Task<RedisResult> EvalAsync(string script, RedisValue[] args, CancellationToken cancellationToken = default)
    {
        var values = WithPrelude(args);
        var result = await _retry.ExecuteAsync(async ct => await EvalShaAsync(script, values).WaitAsync(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (_waitReplicas > 0)
        {
            await WaitForReplicasAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Waits until the replicas have every write this connection sent so far (WAIT covers all of them, fire-and-forget
    /// ones included), on the server that holds MageFlow's keys. WAIT holds that connection for every caller while it
    /// waits: the price of the guarantee, paid only when it is asked for.
    /// </summary>
    private async Task WaitForReplicasAsync(CancellationToken cancellationToken)
    {
        var endpoint = await _db.IdentifyEndpointAsync(_prefix).ConfigureAwait(false);
        var server = endpoint is null ? null : _redis.GetServer(endpoint);
        var acknowledged = server is null
            ? 0L
            : (long)await _retry.ExecuteAsync(async ct => await server.ExecuteAsync("WAIT", _waitReplicas, _waitTimeoutMs).WaitAsync(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (acknowledged < _waitReplicas)
        {
            ShortfallCounter.Add(1);
            if (_log is not null)
            {
                Internal.MageFlowLog.ReplicaWaitShortfall(_log, acknowledged, _waitReplicas, _waitTimeoutMs);
            }
        }
    }

    private static readonly System.Diagnostics.Metrics.Counter<long> ShortfallCounter =
        Diagnostics.MageFlowTelemetry.Meter.CreateCounter<long>("mageflow.redis.wait_shortfalls", "{step}", "MageFlow steps that fewer replicas than RedisWaitReplicas acknowledged within RedisWaitTimeout.");

    /// <summary>Sends a script without waiting for its reply. Redis runs commands of one connection in order, so a
    /// later script sees its effect; a failure shows up there (for example as a missing signature).</summary>
    /// <remarks>A restarted Redis has lost its script cache; the connection's restore event makes every script
    /// load again before its next use, so a fire-and-forget EVALSHA is not silently refused with NOSCRIPT.</remarks>
    public async Task EvalAndForgetAsync(string script, RedisValue[] args)
    {
        var hash = await HashOfAsync(script).ConfigureAwait(false);
        _db.ScriptEvaluate(hash, null, WithPrelude(args), CommandFlags.FireAndForget);
    }

    private RedisValue[] WithPrelude(RedisValue[] args)
    {
        var values = new RedisValue[args.Length + 2];
        values[0] = _prefix;
        values[1] = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Array.Copy(args, 0, values, 2, args.Length);
        return values;
    }

    private async Task<RedisResult> EvalShaAsync(string script, RedisValue[] values)
    {
        var hash = await HashOfAsync(script).ConfigureAwait(false);
        try
        {
            return await _db.ScriptEvaluateAsync(hash, null, values).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // Redis lost its script cache (restart, SCRIPT FLUSH): every script must be loaded again.
            _hashes.Clear();
            _hashes[script] = hash;
            await LoadOnPrimariesAsync(script).ConfigureAwait(false);
            return await _db.ScriptEvaluateAsync(hash, null, values).ConfigureAwait(false);
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

using System.Text.Json;
using System.Text.Json.Serialization;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.State;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Tests.Orchestration;

/// <summary>
/// A dev engine and a connection to a real redis-server (REDIS_URL, else localhost:6379) shared by the
/// MageFlow orchestration tests. Redis is required: when it is unreachable the fixture fails, so every
/// test of the collection fails with a clear message instead of passing (or skipping) silently.
/// </summary>
public sealed class MageFlowFixture : IAsyncLifetime
{
    /// <summary>The done-TTL every test uses unless it overrides it.</summary>
    public static readonly TimeSpan DoneTtl = TimeSpan.FromSeconds(60);

    /// <summary>How long a test waits for any single thing to happen.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private HatchetDevEngine? _engine;
    private ConnectionMultiplexer? _redis;

    public HatchetDevEngine Engine => _engine ?? throw new InvalidOperationException("the fixture is not started");

    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("the fixture is not started");

    public static string RedisConfiguration => Environment.GetEnvironmentVariable("REDIS_URL") is { Length: > 0 } url ? url : "localhost:6379";

    public async Task InitializeAsync()
    {
        _redis = await ConnectRedisAsync();
        _engine = await HatchetDevEngine.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    /// <summary>Connects to the test Redis or throws a message that says what is missing.</summary>
    public static async Task<ConnectionMultiplexer> ConnectRedisAsync()
    {
        var config = MageFlowOptions.ParseConfiguration(RedisConfiguration);
        config.AbortOnConnectFail = true;
        config.ConnectTimeout = 5000;
        try
        {
            var redis = await ConnectionMultiplexer.ConnectAsync(config);
            await redis.GetDatabase().PingAsync();
            return redis;
        }
        catch (RedisConnectionException e)
        {
            throw new InvalidOperationException(
                $"The MageFlow orchestration tests need a running redis-server at '{RedisConfiguration}' (set REDIS_URL, or run scripts/test.sh, which starts one). They fail rather than skip without it. Connection error: {e.Message}",
                e);
        }
    }

    public HatchetClient NewClient(Action<HatchetClientOptions>? configure = null)
    {
        var options = HatchetClientOptions.FromEnvironment(Engine.ClientEnvironment);
        configure?.Invoke(options);
        return HatchetClient.Create(options);
    }

    /// <summary>A fresh key prefix, so tests never see each other's keys.</summary>
    public static string NewPrefix() => "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A unique task name.</summary>
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)];

    /// <summary>Attaches MageFlow on the shared Redis connection (call after declaring tasks, before starting workers).</summary>
    public Task<MageFlowClient> AttachAsync(HatchetClient client, string prefix, Action<MageFlowOptions>? configure = null)
    {
        var options = new MageFlowOptions { Redis = Redis, KeyPrefix = prefix, Ttl = new TtlOptions(TimeSpan.FromHours(1), DoneTtl) };
        configure?.Invoke(options);
        return MageFlowClient.AttachAsync(client, options);
    }

    /// <summary>MageFlow's keys under <paramref name="prefix"/>, built by the same class MageFlow uses.</summary>
    internal static RedisKeys Keys(string prefix) => new(prefix);

    /// <summary>The Redis key of a signature.</summary>
    public static string SigKey(string prefix, string id) => Keys(prefix).Signature(id);
}

[CollectionDefinition(Name)]
public sealed class MageFlowCollection : ICollectionFixture<MageFlowFixture>
{
    public const string Name = "mageflow on redis and dev engine";
}

/// <summary>Assertions on MageFlow's Redis state.</summary>
public static class RedisAssert
{
    /// <summary>
    /// Asserts that, once a flow has finished, Redis is "clean": every key under <c>{prefix}:*</c> carries a
    /// TTL no longer than <paramref name="doneTtl"/>, as Python MageFlow's tests assert.
    /// Excluded on purpose are the two infrastructure keys that outlive any single flow:
    /// <c>{prefix}:registry</c> (the task registry written at attach time, which must persist so tasks stay
    /// signable) and <c>{prefix}:owners</c> (the owner leases of live MageFlow processes, renewed every sweep).
    /// The tracker records a run's completion asynchronously, just after the engine reports it, so this
    /// waits (polling with short delays, up to 10 s) for the state to become clean rather than asserting instantly.
    /// </summary>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="prefix">The MageFlow key prefix (<see cref="MageFlowOptions.KeyPrefix"/>, without braces).</param>
    /// <param name="doneTtl">The done-TTL.</param>
    /// <param name="ignore">Keys a test deliberately corrupted (and so cannot be cleaned up by MageFlow).</param>
    public static async Task AssertRedisCleanAsync(IConnectionMultiplexer redis, string prefix, TimeSpan doneTtl, Func<string, bool>? ignore = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var keys = MageFlowFixture.Keys(prefix);
        var tagged = keys.Prefix;
        var excluded = new HashSet<string>(StringComparer.Ordinal) { keys.Registry, keys.Owners };
        var db = redis.GetDatabase();
        var server = redis.GetServers()[0];
        var limit = Math.Ceiling(doneTtl.TotalSeconds);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<string> offenders;
        while (true)
        {
            offenders = [];
            await foreach (var key in server.KeysAsync(db.Database, tagged + ":*", pageSize: 1000))
            {
                var name = (string)key!;
                if (excluded.Contains(name) || (ignore?.Invoke(name) ?? false))
                {
                    continue;
                }

                var ttl = await db.KeyTimeToLiveAsync(key);
                if (ttl is null)
                {
                    if (await db.KeyExistsAsync(key))
                    {
                        offenders.Add($"{name} ({await db.KeyTypeAsync(key)}, no TTL)");
                    }
                }
                else if (ttl.Value.TotalSeconds > limit)
                {
                    offenders.Add($"{name} ({await db.KeyTypeAsync(key)}, TTL {ttl.Value.TotalSeconds:0} s)");
                }
            }

            if (offenders.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(offenders.Count == 0, $"Redis is not clean under {tagged}: {offenders.Count} key(s) live longer than the done-TTL of {limit} s:\n  " + string.Join("\n  ", offenders));
    }
}

public sealed record In(int N);

public sealed record Out(int Value);

/// <summary>A callback's input: the previous result arrives under <c>mageflow_results</c>.</summary>
public sealed record ResultIn([property: JsonPropertyName("mageflow_results")] Out? MageflowResults, string? Tag = null, int? N = null);

/// <summary>A swarm callback's input: the list of item results.</summary>
public sealed record ListIn([property: JsonPropertyName("mageflow_results")] List<Out>? MageflowResults);

/// <summary>A callback whose result field is marked with <see cref="ReturnValueAttribute"/>.</summary>
public sealed record PrevIn([property: ReturnValue] Out? Prev, [property: JsonPropertyName("mageflow_results")] JsonElement? MageflowResults, string? Tag = null);

/// <summary>Records calls of a handler.</summary>
public sealed class Probe<T>
{
    private readonly TaskCompletionSource<T> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<T> _calls = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _calls.Count;
            }
        }
    }

    public IReadOnlyList<T> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public Task<T> First => _first.Task.WaitAsync(MageFlowFixture.Wait);

    public void Record(T value)
    {
        lock (_gate)
        {
            _calls.Add(value);
        }

        _first.TrySetResult(value);
    }
}

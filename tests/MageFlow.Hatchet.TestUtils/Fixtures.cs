using MageFlow.Hatchet.Orchestration;
using StackExchange.Redis;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// One dev engine shared by the tests of a collection (an <see cref="ICollectionFixture{TFixture}"/>); each test
/// declares uniquely named tasks on its own client, usually through <see cref="Harness"/>.
/// </summary>
public class DevEngineFixture : IAsyncLifetime
{
    private HatchetDevEngine? _engine;

    public HatchetDevEngine Engine => _engine ?? throw new InvalidOperationException("the fixture is not started");

    /// <summary>A client of the shared engine.</summary>
    public HatchetClient NewClient(Action<HatchetClientOptions>? configure = null)
    {
        var options = HatchetClientOptions.FromEnvironment(Engine.ClientEnvironment);
        configure?.Invoke(options);
        return HatchetClient.Create(options);
    }

    /// <summary>A harness with its own client of the shared engine.</summary>
    public HatchetHarness Harness(Action<HatchetClientOptions>? configure = null) => new(Engine, ownsEngine: false, configure);

    public virtual async Task InitializeAsync() => _engine = await HatchetDevEngine.StartAsync();

    public virtual async Task DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }
    }
}

/// <summary>
/// A dev engine and a connection to a real redis-server (MAGEFLOW_TEST_REDIS, else REDIS_URL, else localhost:6379)
/// shared by the MageFlow tests of a collection. MAGEFLOW_TEST_REDIS may name a Redis Cluster
/// (<c>host:port,host:port,...</c>): scripts/test.sh runs the swarm, chain and root suites a second time on one. Redis is required: when it is unreachable the fixture fails, so every test of the
/// collection fails with a clear message instead of passing (or skipping) silently.
/// </summary>
public sealed class MageFlowFixture : DevEngineFixture
{
    /// <summary>The done-TTL every test uses unless it overrides it.</summary>
    public static readonly TimeSpan DoneTtl = TimeSpan.FromSeconds(60);

    private ConnectionMultiplexer? _redis;

    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("the fixture is not started");

    public static string RedisConfiguration =>
        Environment.GetEnvironmentVariable("MAGEFLOW_TEST_REDIS") is { Length: > 0 } cluster ? cluster
        : Environment.GetEnvironmentVariable("REDIS_URL") is { Length: > 0 } url ? url
        : "localhost:6379";

    /// <summary>Gets whether the tests run on a Redis Cluster (more than one primary).</summary>
    public bool IsCluster => Redis.GetServers().Count(s => !s.IsReplica) > 1;

    public override async Task InitializeAsync()
    {
        _redis = await ConnectRedisAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    /// <summary>A harness on the shared engine and Redis, with its own client and key prefix.</summary>
    public FlowHarness Flow(Action<HatchetClientOptions>? configure = null, string? prefix = null) =>
        new(Engine, ownsEngine: false, configure, Redis, prefix ?? Names.NewPrefix());

    /// <summary>A harness on an engine of its own (so no other test's runs show in its counters), on the shared Redis.</summary>
    public async Task<FlowHarness> FlowOnOwnEngineAsync(DevEngineOptions? engineOptions = null) =>
        new(await HatchetDevEngine.StartAsync(engineOptions), ownsEngine: true, configure: null, Redis, Names.NewPrefix());

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
}

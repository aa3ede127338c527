using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.State;
using StackExchange.Redis;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// One MageFlow test: a client with a unique key prefix on the shared Redis. Declare tasks, then
/// <see cref="StartAsync"/> attaches MageFlow and starts the worker in one call. Disposing it stops the worker,
/// then MageFlow, then the client.
/// </summary>
/// <example>
/// <code>
/// await using var h = fixture.Flow();
/// var item = h.Task&lt;In, Out&gt;("item", (i, _) => Task.FromResult(new Out(i.N * 2)));
/// var (onSuccess, successes) = h.Recorder&lt;ListIn, Out&gt;("onok", new Out(0));
/// var mf = await h.StartAsync(slots: 50);
/// ...
/// await h.AssertRedisCleanAsync();
/// </code>
/// </example>
public sealed class FlowHarness : HatchetHarness
{
    private MageFlowClient? _mageFlow;

    internal FlowHarness(HatchetDevEngine engine, bool ownsEngine, Action<HatchetClientOptions>? configure, IConnectionMultiplexer redis, string prefix)
        : base(engine, ownsEngine, configure)
    {
        Redis = redis;
        Prefix = prefix;
        Keys = new RedisKeys(prefix);
    }

    /// <summary>Gets the MageFlow key prefix (without braces) this test's keys live under.</summary>
    public string Prefix { get; }

    /// <summary>Gets the shared Redis connection.</summary>
    public IConnectionMultiplexer Redis { get; }

    /// <summary>Gets the shared Redis database.</summary>
    public IDatabase Db => Redis.GetDatabase();

    /// <summary>Gets the attached MageFlow (task bodies that sign children use it; they run after the attach).</summary>
    public MageFlowClient MageFlow => _mageFlow ?? throw new InvalidOperationException("MageFlow is not attached yet");

    /// <summary>Gets MageFlow's own key builder for <see cref="Prefix"/>: tests never spell key formats themselves.</summary>
    internal RedisKeys Keys { get; }

    /// <summary>Attaches MageFlow on the shared Redis (after declaring tasks, before starting the worker).</summary>
    public async Task<MageFlowClient> AttachAsync(Action<MageFlowOptions>? configure = null)
    {
        if (_mageFlow is not null)
        {
            throw new InvalidOperationException("MageFlow is already attached");
        }

        var options = new MageFlowOptions { Redis = Redis, KeyPrefix = Prefix, Ttl = new TtlOptions(TimeSpan.FromHours(1), MageFlowFixture.DoneTtl) };
        configure?.Invoke(options);
        _mageFlow = await MageFlowClient.AttachAsync(Client, options);
        return _mageFlow;
    }

    /// <summary>Attaches MageFlow, then starts a worker with <paramref name="slots"/> slots serving every declared task.</summary>
    public async Task<MageFlowClient> StartAsync(int slots, Action<MageFlowOptions>? configure = null)
    {
        var mageFlow = await AttachAsync(configure);
        await StartWorkerAsync(slots);
        return mageFlow;
    }

    /// <summary>Asserts that Redis is clean under <see cref="Prefix"/> (see <see cref="RedisAssert.AssertRedisCleanAsync"/>).</summary>
    public Task AssertRedisCleanAsync(Func<string, bool>? ignore = null) =>
        RedisAssert.AssertRedisCleanAsync(Redis, Prefix, MageFlowFixture.DoneTtl, ignore);

    /// <inheritdoc/>
    protected override async ValueTask DisposeAttachedAsync()
    {
        if (_mageFlow is not null)
        {
            await _mageFlow.DisposeAsync();
        }
    }
}

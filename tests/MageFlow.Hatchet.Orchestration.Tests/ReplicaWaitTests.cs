using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// <see cref="MageFlowOptions.RedisWaitReplicas"/>: each state step returns once that many replicas have it (Redis
/// <c>WAIT</c>), so a failover cannot lose it; fewer acknowledgements in time are counted, and the flow goes on.
/// A primary and a replica of the test's own run here.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class ReplicaWaitTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task WaitForOneReplica_EveryStepIsOnTheReplicaWhenItReturns()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var redis = pair.Primary;

        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N * 2)));
        var mf = await h.StartAsync(slots: 5, o =>
        {
            o.Redis = redis;
            o.RedisWaitReplicas = 1;
            o.RedisWaitTimeout = TimeSpan.FromSeconds(10);
        });
        using var shortfalls = new ShortfallCount();

        var sig = await mf.SignAsync(item, new { n = 21 });

        // The create step returned: the replica already holds the record.
        Assert.True(await pair.Replica.GetDatabase().KeyExistsAsync(h.Keys.Signature(sig.Id)));
        Assert.Equal(new Out(42), await sig.RunAsync<Out>().WaitAsync(Wait));
        Assert.True(await WaitCallsAsync(redis) > 0);
        Assert.Equal(0, shortfalls.Value);
    }

    [Fact]
    public async Task WaitForMoreReplicasThanThereAre_StepsGoOnAndTheShortfallIsCounted()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var redis = pair.Primary;

        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var mf = await h.StartAsync(slots: 5, o =>
        {
            o.Redis = redis;
            o.RedisWaitReplicas = 2;
            o.RedisWaitTimeout = TimeSpan.FromMilliseconds(50);
        });
        using var shortfalls = new ShortfallCount();

        var sig = await mf.SignAsync(item, new { n = 1 });
        Assert.Equal(new Out(2), await sig.RunAsync<Out>().WaitAsync(Wait));

        Assert.True(shortfalls.Value > 0);
    }

    [Fact]
    public void NegativeReplicasOrNoTimeout_AreRefused()
    {
        var errors = new MageFlowOptions { RedisWaitReplicas = -1 }.GetValidationErrors();
        Assert.Contains(errors, e => e.Contains("RedisWaitReplicas", StringComparison.Ordinal));
        errors = new MageFlowOptions { RedisWaitReplicas = 1, RedisWaitTimeout = TimeSpan.Zero }.GetValidationErrors();
        Assert.Contains(errors, e => e.Contains("RedisWaitTimeout", StringComparison.Ordinal));
        Assert.Contains(new MageFlowOptions { ReconcileInterval = TimeSpan.FromSeconds(-1) }.GetValidationErrors(), e => e.Contains("ReconcileInterval", StringComparison.Ordinal));
    }

    private static async Task<long> WaitCallsAsync(ConnectionMultiplexer redis)
    {
        var stats = await redis.GetServers().Single().InfoRawAsync("commandstats") ?? string.Empty;
        var line = stats.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_wait:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A primary and one linked replica of the test's own, with a connection to each (the primary's allows admin
    /// commands, for INFO).</summary>
    private sealed class ReplicaPair : IAsyncDisposable
    {
        private readonly RedisServerProcess _primaryServer;
        private readonly RedisServerProcess _replicaServer;

        private ReplicaPair(RedisServerProcess primaryServer, RedisServerProcess replicaServer, ConnectionMultiplexer primary, ConnectionMultiplexer replica) =>
            (_primaryServer, _replicaServer, Primary, Replica) = (primaryServer, replicaServer, primary, replica);

        public ConnectionMultiplexer Primary { get; }

        public ConnectionMultiplexer Replica { get; }

        public static async Task<ReplicaPair> StartAsync()
        {
            var primaryServer = await RedisServerProcess.StartAsync();
            var replicaServer = await RedisServerProcess.StartAsync("--replicaof", "127.0.0.1", primaryServer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var pair = new ReplicaPair(
                primaryServer,
                replicaServer,
                await ConnectionMultiplexer.ConnectAsync(primaryServer.Configuration + ",allowAdmin=true"),
                await ConnectionMultiplexer.ConnectAsync(replicaServer.Configuration));
            using var timeout = new CancellationTokenSource(Wait);
            var server = pair.Primary.GetServers().Single();
            while (!((await server.InfoRawAsync("replication")) ?? string.Empty).Contains("connected_slaves:1", StringComparison.Ordinal))
            {
                await Task.Delay(50, timeout.Token);
            }

            return pair;
        }

        public async ValueTask DisposeAsync()
        {
            await Primary.DisposeAsync();
            await Replica.DisposeAsync();
            await _replicaServer.DisposeAsync();
            await _primaryServer.DisposeAsync();
        }
    }

    /// <summary>Counts <c>mageflow.redis.wait_shortfalls</c> while it lives.</summary>
    private sealed class ShortfallCount : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _value;

        public ShortfallCount()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "mageflow.redis.wait_shortfalls")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _value, value));
            _listener.Start();
        }

        public long Value => Interlocked.Read(ref _value);

        public void Dispose() => _listener.Dispose();
    }
}

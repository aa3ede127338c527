using System.Net;
using System.Net.Sockets;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Extensions.Hosting;
using MageFlow.Hatchet.Orchestration.RootTasks;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

/// <summary><c>AddMageFlow</c>: Redis from DI or from configuration (in the documented order), and root tasks, signing and
/// the ambient MageFlow from handlers resolved through DI.</summary>
[Collection(HostingCollection.Name)]
public sealed class MageFlowHostingTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task ConnectionMultiplexerInDi_IsTheOneMageFlowUses()
    {
        var square = Names.Unique("square");
        var builder = TestHosts.ForEngine(fixture.Engine);
        builder.Services.AddSingleton(fixture.Redis);
        builder.Services.AddMageFlow(o => o.KeyPrefix = Names.NewPrefix());
        builder.Services.AddHatchetWorker(Names.Unique("di-redis"), w => w.AddTask<SquareItem>(square));
        await using var host = builder.BuildTestHost();
        await host.StartAsync();

        var mageflow = host.Services.GetRequiredService<MageFlowClient>();
        Assert.Same(fixture.Redis, mageflow.Redis);
        var sig = await mageflow.SignAsync(square);
        Assert.Equal(new ItemResult(9), await sig.RunAsync<ItemResult>(new Item(3)).WaitAsync(Wait));
        await host.StopAsync();

        // The shared connection is the application's: MageFlow leaves it open.
        Assert.True(fixture.Redis.IsConnected);
    }

    [Fact]
    public async Task ConnectionStringsRedis_IsUsedWhenNothingMoreSpecificIsSet()
    {
        var builder = TestHosts.ForEngine(fixture.Engine, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = MageFlowFixture.RedisConfiguration,
            ["MageFlow:KeyPrefix"] = Names.NewPrefix(),
            ["MageFlow:KeySlots"] = "8",
        });
        builder.Services.AddMageFlow();
        await using var host = builder.BuildTestHost();
        await host.StartAsync();

        var mageflow = host.Services.GetRequiredService<MageFlowClient>();
        Assert.Equal(8, mageflow.Options.KeySlots);
        Assert.NotSame(fixture.Redis, mageflow.Redis);
        Assert.True(mageflow.Redis.IsConnected);
        await host.StopAsync();
    }

    [Fact]
    public async Task MageFlowSection_BeatsConnectionStringsAndTheMultiplexerInDi()
    {
        // Both less specific sources point at a closed port: attaching to either would fail the start.
        var closed = ClosedPort();
        using var unreachable = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { { IPAddress.Loopback, closed } }, AbortOnConnectFail = false });
        var builder = TestHosts.ForEngine(fixture.Engine, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{closed}",
            ["MageFlow:RedisConfiguration"] = MageFlowFixture.RedisConfiguration,
            ["MageFlow:KeyPrefix"] = Names.NewPrefix(),
        });
        builder.Services.AddSingleton<IConnectionMultiplexer>(unreachable);
        builder.Services.AddMageFlow();
        await using var host = builder.BuildTestHost();
        await host.StartAsync();

        var mageflow = host.Services.GetRequiredService<MageFlowClient>();
        Assert.NotSame(unreachable, mageflow.Redis);
        Assert.True(mageflow.Redis.IsConnected);
        await host.StopAsync();
    }

    [Fact]
    public async Task RootTaskFromDi_FansOutToChildren_AndItsSuccessCallbackFires()
    {
        var child = Names.Unique("square");
        var root = Names.Unique("fan-out");
        var done = Names.Unique("done");
        var probe = new RootProbe(child);
        var builder = TestHosts.ForEngine(fixture.Engine);
        builder.Services.AddSingleton(probe);
        builder.Services.AddSingleton(fixture.Redis);
        builder.Services.AddMageFlow(o => o.KeyPrefix = Names.NewPrefix());
        builder.Services.AddHatchetWorker(Names.Unique("root-worker"), w => w
            .AddTask<SquareItem>(child)
            .AddRootTask<FanOut>(root, new SwarmConfig(MaxConcurrency: 2))
            .AddTask<RecordDone>(done));
        await using var host = builder.BuildTestHost();
        await host.StartAsync();

        var mageflow = host.Services.GetRequiredService<MageFlowClient>();
        var signature = await mageflow.SignAsync(root, successCallbacks: [await mageflow.SignAsync(done)]);
        await signature.RunNoWaitAsync(new Batch(5));
        var received = await probe.Done.Task.WaitAsync(Wait);

        Assert.Equal([1, 4, 9, 16, 25], received.Results!.Select(r => r.Square).Order());
        Assert.Equal([true], probe.InjectedIsAmbient);
        Assert.True(host.Services.GetRequiredService<HatchetClient>().FindWorkflow(root)!.IsRoot());
        await host.StopAsync();
    }

    internal static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

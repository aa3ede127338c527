using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

/// <summary>The worker check follows the worker's life; the Redis check PINGs.</summary>
[Collection(HostingCollection.Name)]
public sealed class HealthCheckTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task Checks_HealthyWhileConnectedAndListening_UnhealthyBeforeStartAndAfterStop()
    {
        var builder = TestHosts.ForEngine(fixture.Engine);
        builder.Services.AddSingleton(fixture.Redis);
        builder.Services.AddMageFlow(o => o.KeyPrefix = Names.NewPrefix());
        builder.Services.AddHatchetWorker(Names.Unique("health-worker"), w => w.AddTask(Names.Unique("noop"), (In i, TaskContext _) => Task.FromResult(new Out(i.N))));
        builder.Services.AddHealthChecks().AddHatchetWorkers().AddMageFlowRedis();
        await using var host = builder.BuildTestHost();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, before.Entries["hatchet-workers"].Status);
        Assert.Contains("not started", before.Entries["hatchet-workers"].Description, StringComparison.Ordinal);

        await host.StartAsync();

        // The action stream opens just after the start returns: wait for it rather than for a time.
        var report = await health.CheckHealthAsync();
        using (var timeout = new CancellationTokenSource(Wait))
        {
            while (report.Status != HealthStatus.Healthy && !timeout.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None);
                report = await health.CheckHealthAsync();
            }
        }

        Assert.Equal(HealthStatus.Healthy, report.Entries["hatchet-workers"].Status);
        Assert.Equal(HealthStatus.Healthy, report.Entries["mageflow-redis"].Status);

        await host.StopAsync();
        var after = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, after.Entries["hatchet-workers"].Status);
        Assert.Contains("stopped", after.Entries["hatchet-workers"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisCheck_UnhealthyWhenRedisIsUnreachable()
    {
        var port = MageFlowHostingTests.ClosedPort();
        using var unreachable = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, port } },
            AbortOnConnectFail = false,
            ConnectTimeout = 1000,
            BacklogPolicy = BacklogPolicy.FailFast,
        });
        var services = new ServiceCollection().AddLogging().AddSingleton<IConnectionMultiplexer>(unreachable);
        services.AddHealthChecks().AddMageFlowRedis();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["mageflow-redis"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsAssignableFrom<RedisException>(entry.Exception);
    }
}

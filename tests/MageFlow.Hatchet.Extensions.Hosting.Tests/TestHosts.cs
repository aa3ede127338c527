using MageFlow.Hatchet.Extensions.Hosting.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

/// <summary>Hosts as an application builds them, with no default providers: configuration comes only from what a test
/// gives, and the <c>HATCHET_CLIENT_*</c> variables only from <paramref name="environment"/> (never the process's).</summary>
internal static class TestHosts
{
    public static HostApplicationBuilder Builder(IDictionary<string, string?>? settings = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.Replace(ServiceDescriptor.Singleton(new HatchetEnvironment(environment ?? new Dictionary<string, string>())));
        return builder;
    }

    /// <summary>A builder whose <c>Hatchet</c> section points at the dev engine.</summary>
    public static HostApplicationBuilder ForEngine(HatchetDevEngine engine, IDictionary<string, string?>? more = null)
    {
        var settings = EngineSettings(engine);
        foreach (var (k, v) in more ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return Builder(settings);
    }

    public static Dictionary<string, string?> EngineSettings(HatchetDevEngine engine) => new()
    {
        ["Hatchet:Token"] = engine.Token,
        ["Hatchet:HostPort"] = engine.HostPort,
        ["Hatchet:TlsStrategy"] = "none",
        ["Hatchet:ServerUrl"] = engine.ServerUrl.ToString().TrimEnd('/'),
    };
}

/// <summary>A built host disposed asynchronously, as the Hatchet client (only <see cref="IAsyncDisposable"/>) needs.</summary>
internal sealed class TestHost(IHost host) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    public Task StartAsync() => host.StartAsync();

    public Task StopAsync() => host.StopAsync();

    public HatchetWorkerService WorkerService(string name) => Services.GetRequiredKeyedService<HatchetWorkerService>(name);

    public ValueTask DisposeAsync() => ((IAsyncDisposable)host).DisposeAsync();
}

internal static class TestHostBuilding
{
    public static TestHost BuildTestHost(this HostApplicationBuilder builder) => new(builder.Build());

    public static HostApplicationBuilder Also(this HostApplicationBuilder builder, Action<HostApplicationBuilder> action)
    {
        action(builder);
        return builder;
    }
}

using System.Text;
using MageFlow.Hatchet.Worker;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

/// <summary>
/// Where <c>AddHatchet</c>'s options come from: each key from the <c>HATCHET_CLIENT_*</c> variables, overridden by the
/// <c>Hatchet</c> configuration section, overridden by code; and that a host refuses to start with every problem listed.
/// </summary>
public sealed class ConfigurationTests
{
    private static readonly string Token = FakeToken("tenant-1");

    [Fact]
    public async Task HatchetSection_BindsEverySetting()
    {
        await using var host = TestHosts.Builder(new Dictionary<string, string?>
        {
            ["Hatchet:Token"] = Token,
            ["Hatchet:HostPort"] = "engine.example:7077",
            ["Hatchet:ServerUrl"] = "https://engine.example",
            ["Hatchet:Namespace"] = "Orders",
            ["Hatchet:TlsStrategy"] = "NONE",
            ["Hatchet:TlsServerName"] = "engine.internal",
            ["Hatchet:MaxMessageSize"] = "2048",
            ["Hatchet:MaxReconnectDelay"] = "00:00:02",
            ["Hatchet:Retry:MaxRetryAttempts"] = "3",
            ["Hatchet:Retry:Delay"] = "00:00:00.5",
            ["Hatchet:Retry:MaxDelay"] = "00:00:10",
            ["Hatchet:Workers:orders:Slots"] = "7",
            ["Hatchet:Workers:orders:DrainTimeout"] = "00:01:00",
            ["Hatchet:Workers:orders:Labels:region"] = "eu",
            ["Hatchet:Workers:orders:Labels:memory"] = "512",
        }).Also(b => b.Services.AddHatchetWorker("orders")).BuildTestHost();

        var o = host.Services.GetRequiredService<IOptions<HatchetClientOptions>>().Value;
        Assert.Equal(Token, o.Token);
        Assert.Equal("engine.example:7077", o.HostPort);
        Assert.Equal("https://engine.example", o.ServerUrl);
        Assert.Equal("Orders", o.Namespace);
        Assert.Equal(TlsStrategy.None, o.TlsStrategy);
        Assert.Equal("engine.internal", o.TlsServerName);
        Assert.Equal(2048, o.MaxMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(2), o.MaxReconnectDelay);
        Assert.Equal(3, o.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.Retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Retry.MaxDelay);

        var w = host.Services.GetRequiredService<IOptionsMonitor<HatchetWorkerOptions>>().Get("orders");
        Assert.Equal("orders", w.Name);
        Assert.Equal(7, w.Slots);
        Assert.Equal(TimeSpan.FromMinutes(1), w.DrainTimeout);
        Assert.Equal("eu", w.Labels["region"]);
        Assert.Equal(512, w.Labels["memory"]);
        Assert.Equal("orders_", host.Services.GetRequiredService<HatchetClient>().Namespace);
    }

    [Fact]
    public async Task Precedence_EnvironmentThenSectionThenCode_KeyByKey()
    {
        var environment = new Dictionary<string, string>
        {
            ["HATCHET_CLIENT_TOKEN"] = Token,
            ["HATCHET_CLIENT_HOST_PORT"] = "env-host:1111",
            ["HATCHET_CLIENT_NAMESPACE"] = "from-env",
            ["HATCHET_CLIENT_TLS_STRATEGY"] = "none",
            ["HATCHET_CLIENT_SERVER_URL"] = "http://env-host:2222",
            ["HATCHET_CLIENT_GRPC_MAX_SEND_MESSAGE_LENGTH"] = "8192",
        };
        var builder = TestHosts.Builder(
            new Dictionary<string, string?> { ["Hatchet:HostPort"] = "section-host:3333", ["Hatchet:Namespace"] = "from-section", ["Hatchet:MaxMessageSize"] = "4096" },
            environment);
        builder.Services.AddHatchet(o => o.Namespace = "from-code");
        await using var host = builder.BuildTestHost();

        var o = host.Services.GetRequiredService<IOptions<HatchetClientOptions>>().Value;
        Assert.Equal(Token, o.Token);                        // only in the environment
        Assert.Equal("http://env-host:2222", o.ServerUrl);   // only in the environment
        Assert.Equal(TlsStrategy.None, o.TlsStrategy);       // only in the environment
        Assert.Equal("section-host:3333", o.HostPort);      // the section beats the environment
        Assert.Equal(4096, o.MaxMessageSize);                // the section beats the environment
        Assert.Equal("from-code", o.Namespace);              // code beats both
    }

    [Fact]
    public async Task WorkerDrainTimeout_DefaultsToInfinite_SoTheHostsShutdownTimeoutDecides()
    {
        await using var host = TestHosts.Builder().Also(b => b.Services.AddHatchetWorker("plain")).BuildTestHost();
        var w = host.Services.GetRequiredService<IOptionsMonitor<HatchetWorkerOptions>>().Get("plain");
        Assert.Equal(Timeout.InfiniteTimeSpan, w.DrainTimeout);
        Assert.Equal(100, w.Slots);
    }

    [Fact]
    public async Task HostStart_WithInvalidSettings_ReportsEveryProblemAtOnceWithoutTheToken()
    {
        const string secret = "super-secret-api-key-0123456789";
        var builder = TestHosts.Builder(new Dictionary<string, string?>
        {
            ["Hatchet:Token"] = secret,
            ["Hatchet:HostPort"] = "engine.example:7077",
            ["Hatchet:TlsStrategy"] = "bogus",
            ["Hatchet:MaxMessageSize"] = "12",
            ["Hatchet:Tokn"] = "typo",
            ["Hatchet:Workers:w1:Slots"] = "0",
            ["Hatchet:Workers:w1:DrainTimeout"] = "soon",
            ["MageFlow:KeyPrefix"] = "{bad}",
            ["MageFlow:KeySlots"] = "0",
            ["MageFlow:SweepInterval"] = "fast",
            ["MageFlow:RedisWaitReplicas"] = "-1",
            ["MageFlow:ReconcileInterval"] = "often",
        });
        builder.Services.AddHatchetWorker("w1", w => w.AddTask("never-runs", (int n, TaskContext _) => Task.FromResult(n)));
        builder.Services.AddMageFlow();
        await using var host = builder.BuildTestHost();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        var failures = FailuresOf(e);
        var all = string.Join("\n", failures);
        Assert.Contains(failures, f => f.Contains("is not a JWT", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Hatchet:TlsStrategy='bogus' is not one of", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MaxMessageSize must be at least 1024", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Hatchet:Tokn is not a setting", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Hatchet worker 'w1': Slots must be at least 1", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Hatchet:Workers:w1:DrainTimeout='soon' is not a duration", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MageFlow: KeyPrefix must be non-empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MageFlow: KeySlots must be between 1 and 16384", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MageFlow:SweepInterval='fast' is not a duration", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("RedisWaitReplicas must not be negative", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MageFlow:ReconcileInterval='often' is not a duration", StringComparison.Ordinal));
        Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_WithoutAnyToken_NamesBothPlacesToSetIt()
    {
        var builder = TestHosts.Builder();
        builder.Services.AddHatchet();
        await using var host = builder.BuildTestHost();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains(FailuresOf(e), f => f.StartsWith("Hatchet: No Hatchet token", StringComparison.Ordinal) && f.Contains("HATCHET_CLIENT_TOKEN", StringComparison.Ordinal));
    }

    /// <summary>The messages of one validation failure, or of all when the host aggregated several options' failures.</summary>
    private static List<string> FailuresOf(Exception e) => e switch
    {
        OptionsValidationException v => [.. v.Failures],
        AggregateException a => [.. a.InnerExceptions.SelectMany(FailuresOf)],
        _ => [e.Message],
    };

    private static string FakeToken(string sub)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{B64("{\"alg\":\"none\"}")}.{B64($"{{\"sub\":\"{sub}\"}}")}.c2ln";
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tests;

[Collection(SdkCollection.Name)]
public sealed class ConfigurationTests(DevEngineFixture fixture)
{
    private const string TenantId = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public void FromEnvironment_AllVariables_ReadsEverySetting()
    {
        var token = FakeToken(new { sub = TenantId, grpc_broadcast_address = "token-host:7070", server_url = "http://token-host:8080" });
        var options = HatchetClientOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["HATCHET_CLIENT_TOKEN"] = token,
            ["HATCHET_CLIENT_HOST_PORT"] = "engine.example:7077",
            ["HATCHET_CLIENT_TLS_STRATEGY"] = "none",
            ["HATCHET_CLIENT_NAMESPACE"] = "Foo",
        });

        Assert.Equal(token, options.Token);
        Assert.Equal("engine.example:7077", options.HostPort);
        Assert.Equal(TlsStrategy.None, options.TlsStrategy);
        Assert.Equal("Foo", options.Namespace);

        var client = HatchetClient.Create(options);
        Assert.Equal(TenantId, client.TenantId);
        Assert.Equal("foo_", client.Namespace);
        Assert.Equal("engine.example:7077", client.Config.HostPort);
        Assert.Equal("http://token-host:8080", client.Config.ServerUrl);
    }

    [Theory]
    [InlineData("Foo", "foo_")]
    [InlineData("foo_", "foo_")]
    [InlineData("  MyTeam  ", "myteam_")]
    [InlineData("PROD_", "prod_")]
    public void FromEnvironment_Namespace_NormalisedLikePython(string raw, string expected)
    {
        var options = HatchetClientOptions.FromEnvironment(Env(("HATCHET_CLIENT_NAMESPACE", raw)));
        var client = HatchetClient.Create(options);
        Assert.Equal(expected, client.Namespace);
        var task = client.Task<object, object>("Greet", (_, _) => Task.FromResult<object>(new { }));
        Assert.Equal(expected + "greet", task.WorkflowName);
    }

    [Fact]
    public void FromEnvironment_NoNamespace_EmptyNamespace()
    {
        var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(Env()));
        Assert.Equal(string.Empty, client.Namespace);
    }

    [Fact]
    public void FromEnvironment_NoHostPort_DefaultsToTokenBroadcastAddress()
    {
        var token = FakeToken(new { sub = TenantId, grpc_broadcast_address = "broadcast.example:4443", server_url = "https://api.example/" });
        var options = HatchetClientOptions.FromEnvironment(new Dictionary<string, string> { ["HATCHET_CLIENT_TOKEN"] = token });
        Assert.Null(options.HostPort);
        Assert.Equal(TlsStrategy.Tls, options.TlsStrategy);

        var client = HatchetClient.Create(options);
        Assert.Equal("broadcast.example:4443", client.Config.HostPort);
        Assert.Equal("https://api.example", client.Config.ServerUrl);
    }

    [Fact]
    public async Task FromEnvironment_DevEngineTokenWithoutHostPort_ConnectsThroughBroadcastAddress()
    {
        var env = fixture.Engine.ClientEnvironment.Where(kv => kv.Key != "HATCHET_CLIENT_HOST_PORT").ToDictionary(kv => kv.Key, kv => kv.Value);
        await using var client = await HatchetClient.ConnectAsync(HatchetClientOptions.FromEnvironment(env)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(fixture.Engine.HostPort, client.Config.HostPort);
        Assert.Equal("v0.104.7", await client.GetEngineVersionAsync().WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData("http://engine.example:7077", "engine.example:7077")]
    [InlineData("https://engine.example:7077/", "engine.example:7077")]
    [InlineData("grpc://engine.example:7077//", "engine.example:7077")]
    [InlineData("  engine.example:7077/  ", "engine.example:7077")]
    [InlineData("[::1]:7077", "[::1]:7077")]
    public void FromEnvironment_HostPortWithSchemeOrTrailingSlash_Tolerated(string raw, string expected)
    {
        var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment(Env(("HATCHET_CLIENT_HOST_PORT", raw))));
        Assert.Equal(expected, client.Config.HostPort);
    }

    [Fact]
    public async Task ConnectAsync_HostPortWithSchemeAndSlash_ReachesEngine()
    {
        var env = new Dictionary<string, string>(fixture.Engine.ClientEnvironment)
        {
            ["HATCHET_CLIENT_HOST_PORT"] = $"http://{fixture.Engine.HostPort}/",
        };
        await using var client = await HatchetClient.ConnectAsync(HatchetClientOptions.FromEnvironment(env)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("v0.104.7", await client.GetEngineVersionAsync().WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Create_MissingToken_ThrowsConfigurationExceptionNamingTheVariable()
    {
        var options = HatchetClientOptions.FromEnvironment(new Dictionary<string, string> { ["HATCHET_CLIENT_HOST_PORT"] = "localhost:7077" });
        var e = Assert.Throws<HatchetConfigurationException>(() => HatchetClient.Create(options));
        Assert.Contains("No Hatchet token", e.Message, StringComparison.Ordinal);
        Assert.Contains("HATCHET_CLIENT_TOKEN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WhitespaceToken_ThrowsConfigurationException()
    {
        var e = Assert.Throws<HatchetConfigurationException>(() => HatchetClient.Create(new HatchetClientOptions { Token = "   ", HostPort = "localhost:7077" }));
        Assert.Contains("No Hatchet token", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedTokens() => new()
    {
        { "super-secret-api-key-0123456789", "is not a JWT" },
        { "eyJhbGciOiJIUzI1NiJ9.secretpayloadsecret", "is not a JWT" },
        { "abc.def.ghi", "is not a JWT" },
        { "eyJhbGciOiJIUzI1NiJ9.@@not~base64@@secret.c2lnbmF0dXJl", "could not be decoded" },
        { "eyJhbGciOiJIUzI1NiJ9." + B64("this is not json at all") + ".c2lnbmF0dXJl", "could not be decoded" },
        { "eyJhbGciOiJIUzI1NiJ9." + B64("[1,2,3]") + ".c2lnbmF0dXJl", "could not be decoded" },
        { FakeToken(new { server_url = "http://secret-host:1", grpc_broadcast_address = "secret-host:2" }), "has no 'sub'" },
        { FakeToken(new { sub = string.Empty, grpc_broadcast_address = "secret-host:2" }), "has no 'sub'" },
    };

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public void Create_MalformedToken_ThrowsPreciseMessageWithoutTokenText(string token, string expected)
    {
        var options = new HatchetClientOptions { Token = token, HostPort = "localhost:7077", TlsStrategy = TlsStrategy.None };
        var e = Assert.Throws<HatchetConfigurationException>(() => HatchetClient.Create(options));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("HATCHET_CLIENT_TOKEN", e.Message, StringComparison.Ordinal);
        AssertNoTokenText(e.Message, token);
    }

    [Fact]
    public void FromEnvironment_BadTlsStrategy_ThrowsNamingTheValueAndChoices()
    {
        var token = FakeToken(new { sub = TenantId, grpc_broadcast_address = "h:1" });
        var e = Assert.Throws<HatchetConfigurationException>(() => HatchetClientOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["HATCHET_CLIENT_TOKEN"] = token,
            ["HATCHET_CLIENT_TLS_STRATEGY"] = "tls1.3",
        }));
        Assert.Equal("HATCHET_CLIENT_TLS_STRATEGY='tls1.3' is not one of tls, mtls, none.", e.Message);
        AssertNoTokenText(e.Message, token);
    }

    [Theory]
    [InlineData("TLS", TlsStrategy.Tls)]
    [InlineData("mtls", TlsStrategy.Mtls)]
    [InlineData("None", TlsStrategy.None)]
    public void FromEnvironment_TlsStrategy_CaseInsensitive(string raw, TlsStrategy expected)
    {
        var options = HatchetClientOptions.FromEnvironment(Env(("HATCHET_CLIENT_TLS_STRATEGY", raw)));
        Assert.Equal(expected, options.TlsStrategy);
    }

    [Fact]
    public void Create_MtlsWithoutCertFiles_ThrowsNamingBothFiles()
    {
        var token = FakeToken(new { sub = TenantId, grpc_broadcast_address = "h:1" });
        var options = HatchetClientOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["HATCHET_CLIENT_TOKEN"] = token,
            ["HATCHET_CLIENT_TLS_STRATEGY"] = "mtls",
        });
        var e = Assert.Throws<HatchetConfigurationException>(() => HatchetClient.Create(options));
        Assert.Contains("TLS strategy mtls needs HATCHET_CLIENT_TLS_CERT_FILE and HATCHET_CLIENT_TLS_KEY_FILE.", e.Message, StringComparison.Ordinal);
        AssertNoTokenText(e.Message, token);
    }

    [Fact]
    public void Create_MtlsWithMissingCertFiles_ThrowsNamingEachMissingFile()
    {
        var token = FakeToken(new { sub = TenantId, grpc_broadcast_address = "h:1" });
        var dir = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        var options = HatchetClientOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["HATCHET_CLIENT_TOKEN"] = token,
            ["HATCHET_CLIENT_TLS_STRATEGY"] = "mtls",
            ["HATCHET_CLIENT_TLS_CERT_FILE"] = Path.Combine(dir, "client.pem"),
            ["HATCHET_CLIENT_TLS_KEY_FILE"] = Path.Combine(dir, "client.key"),
        });
        var e = Assert.Throws<HatchetConfigurationException>(() => HatchetClient.Create(options));
        Assert.Contains($"HATCHET_CLIENT_TLS_CERT_FILE='{Path.Combine(dir, "client.pem")}' does not exist.", e.Message, StringComparison.Ordinal);
        Assert.Contains($"HATCHET_CLIENT_TLS_KEY_FILE='{Path.Combine(dir, "client.key")}' does not exist.", e.Message, StringComparison.Ordinal);
        AssertNoTokenText(e.Message, token);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:notaport")]
    [InlineData("localhost:70000")]
    public void Create_HostPortNotHostColonPort_ThrowsNamingTheValue(string hostPort)
    {
        var token = FakeToken(new { sub = TenantId });
        var e = Assert.Throws<HatchetConfigurationException>(() => HatchetClient.Create(new HatchetClientOptions { Token = token, HostPort = hostPort, TlsStrategy = TlsStrategy.None }));
        Assert.Contains($"HATCHET_CLIENT_HOST_PORT='{hostPort}' is not host:port.", e.Message, StringComparison.Ordinal);
        AssertNoTokenText(e.Message, token);
    }

    [Fact]
    public void Create_NoHostPortAnywhere_ThrowsNamingTheVariable()
    {
        var token = FakeToken(new { sub = TenantId });
        var e = Assert.Throws<HatchetConfigurationException>(() => HatchetClient.Create(new HatchetClientOptions { Token = token }));
        Assert.Contains("No engine address", e.Message, StringComparison.Ordinal);
        Assert.Contains("HATCHET_CLIENT_HOST_PORT", e.Message, StringComparison.Ordinal);
        AssertNoTokenText(e.Message, token);
    }

    [Fact]
    public async Task ConnectAsync_ClosedPort_ThrowsUnreachable()
    {
        var port = FreePort();
        var options = HatchetClientOptions.FromEnvironment(fixture.Engine.ClientEnvironment);
        options.HostPort = $"127.0.0.1:{port}";
        options.Retry.MaxRetryAttempts = 1;
        var e = await Assert.ThrowsAsync<HatchetConfigurationException>(() => HatchetClient.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"The Hatchet engine at 127.0.0.1:{port} is unreachable", e.Message, StringComparison.Ordinal);
        Assert.Contains("HATCHET_CLIENT_HOST_PORT", e.Message, StringComparison.Ordinal);
        AssertNoTokenText(e.Message, options.Token!);
    }

    [Fact]
    public async Task ConnectAsync_TokenFromAnotherEngine_ThrowsRejected()
    {
        await using var other = await HatchetDevEngine.StartAsync();
        var foreignToken = other.MintToken(TimeSpan.FromHours(1));
        var options = HatchetClientOptions.FromEnvironment(fixture.Engine.ClientEnvironment);
        options.Token = foreignToken;
        options.HostPort = fixture.Engine.HostPort;
        var e = await Assert.ThrowsAsync<HatchetConfigurationException>(() => HatchetClient.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"The Hatchet engine at {fixture.Engine.HostPort} rejected HATCHET_CLIENT_TOKEN", e.Message, StringComparison.Ordinal);
        Assert.Contains("not issued by this engine", e.Message, StringComparison.Ordinal);
        AssertNoTokenText(e.Message, foreignToken);
    }

    [Fact]
    public async Task ConnectAsync_ExpiredToken_ThrowsRejected()
    {
        var expired = fixture.Engine.MintToken(TimeSpan.FromMinutes(-5));
        var options = HatchetClientOptions.FromEnvironment(fixture.Engine.ClientEnvironment);
        options.Token = expired;
        var e = await Assert.ThrowsAsync<HatchetConfigurationException>(() => HatchetClient.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("rejected HATCHET_CLIENT_TOKEN", e.Message, StringComparison.Ordinal);
        Assert.Contains("expired", e.Message, StringComparison.Ordinal);
        AssertNoTokenText(e.Message, expired);
    }

    [Fact]
    public async Task ConnectAsync_ValidEnvironment_ReturnsConnectedClient()
    {
        await using var client = await HatchetClient.ConnectAsync(HatchetClientOptions.FromEnvironment(fixture.Engine.ClientEnvironment)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(fixture.Engine.TenantId.ToString(), client.TenantId);
    }

    [Fact]
    public async Task Create_OptionsMutatedAfterCreate_ClientUnaffected()
    {
        var options = HatchetClientOptions.FromEnvironment(fixture.Engine.ClientEnvironment);
        options.Namespace = "First";
        await using var client = HatchetClient.Create(options);

        options.Namespace = "second";
        options.Token = "garbage";
        options.HostPort = "127.0.0.1:1";
        options.TlsStrategy = TlsStrategy.Mtls;
        options.Retry.MaxRetryAttempts = 42;
        options.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;

        Assert.Equal("first_", client.Namespace);
        Assert.Equal("First", client.Options.Namespace);
        Assert.Equal(fixture.Engine.Token, client.Options.Token);
        Assert.Equal(TlsStrategy.None, client.Options.TlsStrategy);
        Assert.Equal(5, client.Options.Retry.MaxRetryAttempts);
        Assert.Same(JsonNamingPolicy.CamelCase, client.Options.JsonSerializerOptions.PropertyNamingPolicy);
        Assert.NotSame(options.JsonSerializerOptions, client.Options.JsonSerializerOptions);

        // The client still talks to the engine with the settings it was created with.
        Assert.Equal("v0.104.7", await client.GetEngineVersionAsync().WaitAsync(TimeSpan.FromSeconds(60)));
    }

    internal static string FakeToken(object claims) =>
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + B64(JsonSerializer.Serialize(claims)) + ".c2lnbmF0dXJlLXNlY3JldA";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Dictionary<string, string> Env(params (string Name, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["HATCHET_CLIENT_TOKEN"] = FakeToken(new { sub = TenantId, grpc_broadcast_address = "token-host:7070" }),
        };
        foreach (var (name, value) in extra)
        {
            env[name] = value;
        }

        return env;
    }

    private static void AssertNoTokenText(string message, string token)
    {
        Assert.DoesNotContain(token.Trim(), message, StringComparison.Ordinal);
        foreach (var part in token.Trim().Split('.'))
        {
            if (part.Length >= 8)
            {
                Assert.DoesNotContain(part, message, StringComparison.Ordinal);
            }
        }

        Assert.DoesNotContain("secret", message, StringComparison.OrdinalIgnoreCase);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

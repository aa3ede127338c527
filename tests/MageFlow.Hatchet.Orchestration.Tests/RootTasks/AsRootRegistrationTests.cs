namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>AsRoot refuses limits that could never run anything, at registration (no engine or Redis needed).</summary>
public sealed class AsRootRegistrationTests
{
    // Nothing here connects: a well-formed token and an unused address are enough.
    private static HatchetClient NewClient() =>
        HatchetClient.Create(new HatchetClientOptions { Token = Token(), HostPort = "127.0.0.1:1", TlsStrategy = TlsStrategy.None });

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task AsRoot_MaxConcurrencyNotPositive_ThrowsAtRegistration(int maxConcurrency)
    {
        await using var client = NewClient();
        var task = client.Task<RootIn, RootOut>(Names.Unique("root"), (_, _) => Task.FromResult(new RootOut(0)));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => task.AsRoot(maxConcurrency: maxConcurrency));

        Assert.Equal("maxConcurrency", e.ParamName);
        Assert.False(task.IsRoot());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task AsRoot_StopAfterNFailuresNotPositive_ThrowsAtRegistration(int stopAfterNFailures)
    {
        await using var client = NewClient();
        var task = client.Task<RootIn, RootOut>(Names.Unique("root"), (_, _) => Task.FromResult(new RootOut(0)));

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => task.AsRoot(maxConcurrency: 4, stopAfterNFailures: stopAfterNFailures));

        Assert.Equal("stopAfterNFailures", e.ParamName);
        Assert.Contains($"root task '{task.Name}'", e.Message, StringComparison.Ordinal);
        Assert.False(task.IsRoot());
    }

    [Fact]
    public async Task AsRoot_ValidLimits_MarksTheTaskAsRoot()
    {
        await using var client = NewClient();
        var task = client.Task<RootIn, RootOut>(Names.Unique("root"), (_, _) => Task.FromResult(new RootOut(0)));

        Assert.Same(task, task.AsRoot(maxConcurrency: 4, stopAfterNFailures: 2));

        Assert.True(task.IsRoot());
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(4, 0)]
    public async Task AsRoot_SwarmConfigForm_RefusesWhatTheNamedFormRefusesWithTheSameError(int maxConcurrency, int? stopAfterNFailures)
    {
        await using var client = NewClient();
        await using var other = NewClient();
        var named = client.Task<RootIn, RootOut>(Names.Unique("root"), (_, _) => Task.FromResult(new RootOut(0)));
        var configured = other.Task<RootIn, RootOut>(named.Name, (_, _) => Task.FromResult(new RootOut(0)));

        var fromNamed = Assert.Throws<ArgumentOutOfRangeException>(() => named.AsRoot(maxConcurrency, stopAfterNFailures));
        var fromConfig = Assert.Throws<ArgumentOutOfRangeException>(() => configured.AsRoot(new SwarmConfig(maxConcurrency, stopAfterNFailures)));

        Assert.Equal((fromNamed.ParamName, fromNamed.Message), (fromConfig.ParamName, fromConfig.Message));
        Assert.False(configured.IsRoot());
    }

    [Fact]
    public async Task AsRoot_SwarmConfigWithEveryOption_MarksTheTaskAsRoot()
    {
        await using var client = NewClient();
        var task = client.Task<RootIn, RootOut>(Names.Unique("root"), (_, _) => Task.FromResult(new RootOut(0)));

        Assert.Same(task, task.AsRoot(new SwarmConfig(MaxConcurrency: 3, StopAfterNFailures: 1, MaxTasks: 50, StopMode: SwarmStopMode.CancelRunning)));
        Assert.True(task.IsRoot());
        Assert.Throws<ArgumentOutOfRangeException>(() => task.AsRoot(new SwarmConfig(MaxTasks: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => task.AsRoot(new SwarmConfig(StopMode: (SwarmStopMode)42)));
    }

    private static string Token()
    {
        static string Part(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Part("""{"alg":"ES256"}""") + "." + Part("""{"sub":"707d0855-80ab-4e1f-a156-f1c4546cbf52","grpc_broadcast_address":"127.0.0.1:1","server_url":"http://127.0.0.1:1"}""") + ".sig";
    }
}

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

    private static string Token()
    {
        static string Part(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Part("""{"alg":"ES256"}""") + "." + Part("""{"sub":"707d0855-80ab-4e1f-a156-f1c4546cbf52","grpc_broadcast_address":"127.0.0.1:1","server_url":"http://127.0.0.1:1"}""") + ".sig";
    }
}

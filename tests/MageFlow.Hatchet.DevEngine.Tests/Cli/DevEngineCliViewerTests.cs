using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Tests.Cli;

/// <summary><c>hatchet-dev-engine</c> serves the MageFlow viewer beside the engine when Redis answers, on loopback.</summary>
public sealed class DevEngineCliViewerTests
{
    private static string Redis => Environment.GetEnvironmentVariable("REDIS_URL") is { Length: > 0 } url ? url : "localhost:6379";

    [Fact]
    public async Task Run_ViewerOn_ServesThePageAndItsApiOnLoopback()
    {
        await using var cli = CliProcess.Start("--port=0", "--viewer", "on", "--redis", Redis, "--mageflow-prefix", "cli-viewer-" + Guid.NewGuid().ToString("N"));
        await cli.WaitReadyAsync();
        var line = cli.Stdout.Split('\n').Single(l => l.StartsWith("# MageFlow viewer: ", StringComparison.Ordinal));
        var address = new Uri(line["# MageFlow viewer: ".Length..].Trim());

        Assert.Equal("127.0.0.1", address.Host);
        using var http = new HttpClient { BaseAddress = address };
        Assert.Contains("<title>MageFlow</title>", await http.GetStringAsync(string.Empty), StringComparison.Ordinal);
        using var flows = JsonDocument.Parse(await http.GetStringAsync("api/flows"));
        Assert.Equal(0, flows.RootElement.GetProperty("total").GetInt32());
        using var config = JsonDocument.Parse(await http.GetStringAsync("api/config"));
        Assert.False(config.RootElement.GetProperty("actionsEnabled").GetBoolean());
        Assert.Equal(0, await cli.StopAsync());
        Assert.Equal(string.Empty, cli.Stderr);
    }

    [Fact]
    public async Task Run_ViewerOnWithoutRedis_ExitsWithOneLineNamingTheAddress()
    {
        var (code, _, stderr) = await CliProcess.RunAsync("--port=0", "--viewer", "on", "--redis", "127.0.0.1:1");

        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("hatchet-dev-engine: --viewer on: no Redis at 127.0.0.1:1", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ViewerAutoWithoutRedis_ServesTheEngineAndSaysTheViewerIsOff()
    {
        await using var cli = CliProcess.Start("--port=0", "--redis", "127.0.0.1:1");
        await cli.WaitReadyAsync();

        Assert.Contains("# MageFlow viewer off: no Redis answers at 127.0.0.1:1", cli.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await cli.StopAsync());
    }

    [Theory]
    [InlineData(new[] { "--viewer", "sometimes" }, "--viewer 'sometimes' is not auto, on or off")]
    [InlineData(new[] { "--host", "0.0.0.0", "--allow-remote", "--viewer-actions" }, "--viewer-actions lets anyone who reaches the page act on flows")]
    public async Task Run_BadViewerOptions_ExitWithUsage(string[] args, string expected)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}

using System.CommandLine;
using MageFlow.Hatchet.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.DevEngine.Cli;

/// <summary>
/// <c>hatchet-dev-engine mcp</c>: an MCP server on stdio for AI agents, with MageFlow's tools over the flows in a Redis
/// and the Hatchet engine the <c>HATCHET_CLIENT_*</c> settings point at (this dev engine's env file, or a real engine).
/// Stdout carries only the protocol; logs go to stderr.
/// </summary>
internal static class McpCommand
{
    private static readonly Option<bool> Actions = new("--actions")
    {
        Description = "Also offer tools that suspend, interrupt, resume, cancel and retry",
    };

    public static Command Build(Option<string> redis, Option<string> keyPrefix)
    {
        var command = new Command("mcp", "Serve MageFlow's tools to AI agents over MCP on stdio (engine from HATCHET_CLIENT_*; Redis from --redis)")
        {
            redis, keyPrefix, Actions,
        };
        command.SetAction((parse, stop) => ServeAsync(parse.GetRequiredValue(redis), parse.GetRequiredValue(keyPrefix), parse.GetValue(Actions), stop));
        return command;
    }

    private static async Task<int> ServeAsync(string redisUrl, string prefix, bool actions, CancellationToken stop)
    {
        HatchetClientOptions options;
        try
        {
            options = HatchetClientOptions.FromEnvironment();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new CliError($"mcp: the HATCHET_CLIENT_* settings do not configure a client: {e.Message} (source the engine's env file first)");
        }

        var (redis, reason) = await ViewerServer.ConnectRedisAsync(redisUrl).ConfigureAwait(false);
        if (redis is null)
        {
            throw new CliError($"mcp: no Redis at {redisUrl} ({reason})");
        }

        await using var client = await HatchetClient.ConnectAsync(options, stop).ConfigureAwait(false);
        await using var mageFlow = await MageFlowClient.AttachAsync(client, new MageFlowOptions { Redis = redis, KeyPrefix = prefix }, stop).ConfigureAwait(false);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(mageFlow);
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "mageflow", Version = typeof(McpCommand).Assembly.GetName().Version?.ToString() ?? "0" })
            .WithStdioServerTransport()
            .WithMageFlowTools(actions);
        using var host = builder.Build();
        await host.RunAsync(stop).ConfigureAwait(false);
        await redis.DisposeAsync().ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}

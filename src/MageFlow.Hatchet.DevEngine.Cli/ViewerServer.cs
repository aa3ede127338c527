using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Viewer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace MageFlow.Hatchet.DevEngine.Cli;

/// <summary>
/// The MageFlow viewer beside the engine: a client of the engine with MageFlow attached on the given Redis, and a small
/// web app serving <c>MapMageflowViewer</c> on the engine's host.
/// </summary>
internal sealed class ViewerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MageFlowClient _mageFlow;
    private readonly HatchetClient _client;
    private readonly IConnectionMultiplexer _redis;

    private ViewerServer(WebApplication app, MageFlowClient mageFlow, HatchetClient client, IConnectionMultiplexer redis, Uri address)
    {
        _app = app;
        _mageFlow = mageFlow;
        _client = client;
        _redis = redis;
        Address = address;
    }

    /// <summary>Gets the page's address.</summary>
    public Uri Address { get; }

    /// <summary>Connects to Redis; when it does not answer, returns <see langword="null"/> with the reason.</summary>
    public static async Task<(IConnectionMultiplexer? Redis, string? Reason)> ConnectRedisAsync(string configuration)
    {
        ConfigurationOptions options;
        try
        {
            options = MageFlowOptions.ParseConfiguration(configuration);
        }
        catch (ArgumentException e)
        {
            throw new CliError($"--redis '{configuration}' is not a Redis address: {e.Message}", ExitCodes.Usage);
        }

        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        options.ConnectRetry = 1;
        try
        {
            return (await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false), null);
        }
        catch (RedisConnectionException e)
        {
            return (null, e.Message.ReplaceLineEndings(" "));
        }
    }

    public static async Task<ViewerServer> StartAsync(HatchetDevEngine engine, IConnectionMultiplexer redis, string host, int port, string prefix, bool actions, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var client = await HatchetClient.ConnectAsync(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment), cancellationToken).ConfigureAwait(false);
        MageFlowClient mageFlow;
        try
        {
            mageFlow = await MageFlowClient.AttachAsync(client, new MageFlowOptions { Redis = redis, KeyPrefix = prefix }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host.Trim('[', ']')}]" : host)}:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(logs);
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.MapMageflowViewer("/mageflow", o =>
        {
            o.MageFlow = _ => mageFlow;
            if (actions)
            {
                // Only on loopback (the command refuses --viewer-actions otherwise): whoever reaches the page is the developer.
                o.EnableActions = true;
                o.AuthorizeAction = (_, _, _) => ValueTask.FromResult(true);
            }
        });
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await mageFlow.DisposeAsync().ConfigureAwait(false);
            await client.DisposeAsync().ConfigureAwait(false);
            throw new CliError($"{e.Message.TrimEnd('.')}; pick another --viewer-port, or 0 for a free one");
        }

        var bound = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return new ViewerServer(app, mageFlow, client, redis, new UriBuilder(engine.ServerUrl) { Port = bound.Port, Path = "/mageflow/" }.Uri);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _mageFlow.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
        await _redis.DisposeAsync().ConfigureAwait(false);
    }
}

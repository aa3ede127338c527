using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MageFlow.Hatchet.DevEngine.Core;
using MageFlow.Hatchet.DevEngine.Hosting;
using MageFlow.Hatchet.DevEngine.Hosting.Rest;
using MageFlow.Hatchet.DevEngine.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MageFlow.Hatchet.DevEngine;

/// <summary>
/// An in-memory engine that speaks Hatchet's gRPC protocol, for tests and local development.
/// Official Hatchet SDKs (TypeScript, Python) and MageFlow.Hatchet connect to it as to a real engine.
/// </summary>
/// <remarks>
/// State lives in memory and is lost when the engine stops. Production always runs on a real Hatchet engine.
/// See <c>docs/dev-engine.md</c> for what it does and does not implement.
/// </remarks>
public sealed class HatchetDevEngine : IAsyncDisposable
{
    private readonly DevEngineOptions _options;
    private readonly Engine _engine;
    private readonly TokenService _tokens;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _ticker;
    private readonly SemaphoreSlim _hostGate = new(1, 1);
    private WebApplication? _app;
    private int _grpcPort;
    private int _restPort;
    private readonly EngineTlsCertificates? _tls;
    private string _token = string.Empty;
    private bool _disposed;

    private HatchetDevEngine(DevEngineOptions options)
    {
        _options = options;
        _loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _engine = new Engine(options, _loggerFactory.CreateLogger("MageFlow.Hatchet.DevEngine"));
        _tokens = new TokenService(options.SigningKey ?? RandomNumberGenerator.GetBytes(32), options.TenantId, options.TimeProvider);
        _tls = options.TlsCertificateFile is null ? null : EngineTlsCertificates.Load(options);
        _grpcPort = options.GrpcPort;
        _restPort = options.RestPort;
        _ticker = Task.Run(TickAsync);
    }

    /// <summary>Gets the gRPC <c>host:port</c>, the value for <c>HATCHET_CLIENT_HOST_PORT</c>.</summary>
    public string HostPort => $"{DisplayHost}:{_grpcPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Gets the gRPC address: <c>http://</c> (HTTP/2 cleartext), or <c>https://</c> when the engine serves TLS.</summary>
    public Uri GrpcAddress => new($"{Scheme}://{HostPort}");

    /// <summary>Gets the base URL of the engine's REST API, the token's <c>server_url</c> (<c>https://</c> with TLS).</summary>
    public Uri ServerUrl => new($"{Scheme}://{DisplayHost}:{_restPort.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Gets an API token for the engine's tenant, the value for <c>HATCHET_CLIENT_TOKEN</c>.</summary>
    public string Token => _token;

    /// <summary>Gets the engine's tenant id (the token's <c>sub</c> claim).</summary>
    public Guid TenantId => _options.TenantId;

    /// <summary>Gets counters of runs and tasks the engine has handled.</summary>
    public EngineCounters Counters => _engine.Counters;

    /// <summary>Gets the <c>HATCHET_CLIENT_*</c> variables that point a Hatchet SDK at this engine.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["HATCHET_CLIENT_TOKEN"] = Token,
        ["HATCHET_CLIENT_HOST_PORT"] = HostPort,
        ["HATCHET_CLIENT_TLS_STRATEGY"] = _tls is null ? "none" : _tls.ClientCa is null ? "tls" : "mtls",
        ["HATCHET_CLIENT_TENANT_ID"] = TenantId.ToString(),
        ["HATCHET_CLIENT_SERVER_URL"] = ServerUrl.ToString().TrimEnd('/'),
        ["HATCHET_CLIENT_API_URL"] = ServerUrl.ToString().TrimEnd('/'),
    };

    private string Scheme => _tls is null ? "http" : "https";

    private string DisplayHost => _options.Host.Contains(':', StringComparison.Ordinal) && !_options.Host.StartsWith('[') ? $"[{_options.Host}]" : _options.Host;

    /// <summary>Starts an engine and waits until it accepts connections.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults (loopback, free ports).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running engine. Dispose it to stop it.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static async Task<HatchetDevEngine> StartAsync(DevEngineOptions? options = null, CancellationToken cancellationToken = default)
    {
        var copy = (options ?? new DevEngineOptions()).Clone();
        copy.Validate();
        var engine = new HatchetDevEngine(copy);
        try
        {
            await engine.StartHostAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        engine._token = engine.MintToken(TimeSpan.FromDays(90));
        Log.EngineStarted(engine._loggerFactory.CreateLogger("MageFlow.Hatchet.DevEngine"), engine.GrpcAddress.ToString(), engine.ServerUrl.ToString());
        return engine;
    }

    /// <summary>Mints another token for this engine's tenant.</summary>
    /// <param name="lifetime">How long the token is valid.</param>
    /// <returns>The token.</returns>
    public string MintToken(TimeSpan lifetime) => _tokens.Mint(ServerUrl.ToString().TrimEnd('/'), HostPort, lifetime);

    /// <summary>Formats <see cref="ClientEnvironment"/> as dotenv lines that a shell can <c>source</c>.</summary>
    /// <returns>The text.</returns>
    public string ToDotEnv()
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in ClientEnvironment)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{k}={v}\n");
        }

        return sb.ToString();
    }

    /// <summary>Gets the lines a task run logged through <c>PutLog</c>.</summary>
    /// <param name="taskRunExternalId">The task run's external id.</param>
    /// <returns>The lines, oldest first.</returns>
    public IReadOnlyList<TaskLogLine> GetTaskLogs(string taskRunExternalId) => _engine.Tasks.GetLogs(taskRunExternalId);

    /// <summary>Ends every worker's listen stream with <c>UNAVAILABLE</c>, as a network fault would. For fault tests.</summary>
    /// <returns>How many streams were dropped.</returns>
    public int DropListenStreams() => _engine.Workers.DropListenStreams();

    /// <summary>
    /// Delivers the end of each of the next <paramref name="count"/> finished runs twice to the
    /// <c>SubscribeToWorkflowRuns</c> streams waiting for it, as a redelivering network would. For fault tests:
    /// clients must treat the copy as a no-op.
    /// </summary>
    /// <param name="count">How many finished runs (among those some stream waits for) to duplicate; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public void DuplicateRunFinishedEvents(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _engine.Runs.DuplicateNextFinished(count);
    }

    /// <summary>
    /// Fires at once what the engine's 50 ms timer fires when it is due: heartbeat lapses, execution and schedule
    /// timeouts, ends of retry backoff and scheduled runs. For tests that drive <see cref="DevEngineOptions.TimeProvider"/>
    /// by hand: after moving their clock they call this, so the engine has acted on the new time before they look.
    /// </summary>
    public void FireDueTimers() => _engine.Tick();

    /// <summary>Stops serving (clients see the engine as unreachable) while keeping all state. For fault tests.</summary>
    /// <param name="cancellationToken">Cancels the wait for in-flight calls.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async Task SuspendAsync(CancellationToken cancellationToken = default)
    {
        await _hostGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is { } app)
            {
                _app = null;
                await app.StopAsync(cancellationToken).ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _hostGate.Release();
        }
    }

    /// <summary>Serves again on the same ports after <see cref="SuspendAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the server accepts connections.</returns>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => StartHostAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await SuspendAsync().ConfigureAwait(false);
        await _ticker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
        _hostGate.Dispose();
    }

    private async Task StartHostAsync(CancellationToken cancellationToken)
    {
        await _hostGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is not null)
            {
                return;
            }

            var app = BuildApp();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            var ports = addresses.Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal)).Port).ToArray();
            _grpcPort = ports[0];
            _restPort = ports[1];
            _app = app;
        }
        finally
        {
            _hostGate.Release();
        }
    }

    private WebApplication BuildApp()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddLogging();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddRouting();

        // Stopping (SuspendAsync, DisposeAsync) must cut open streams like a network fault, not wait out the host's
        // default 30 s graceful shutdown while ListenV2 and SubscribeToWorkflowRuns streams stay connected.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var address = ResolveAddress(_options.Host);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            k.Limits.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
            k.Limits.Http2.InitialStreamWindowSize = 1024 * 1024;
            k.Limits.MinRequestBodyDataRate = null;
            k.Listen(address, _grpcPort, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                _tls?.Apply(o, requireClientCertificate: true);
            });
            k.Listen(address, _restPort, o =>
            {
                o.Protocols = HttpProtocols.Http1;
                _tls?.Apply(o, requireClientCertificate: false);
            });
        });
        if (_tls is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.Services.AddSingleton(_engine);
        builder.Services.AddSingleton(_options);
        builder.Services.AddSingleton(_tokens);
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = _options.MaxMessageSize;
            o.MaxSendMessageSize = _options.MaxMessageSize;
            o.EnableDetailedErrors = true;
            o.Interceptors.Add<AuthInterceptor>();
        });
        var app = builder.Build();
        app.UseUnparsableRequestStatus();
        app.UseRouting();
        app.MapGrpcService<DispatcherService>();
        app.MapGrpcService<AdminService>();
        app.MapGrpcService<Services.WorkflowService>();
        app.MapGrpcService<Services.EventsService>();
        app.MapGrpcService<Services.V1DispatcherService>();
        RestApi.Map(app, _engine, _tokens);
        return app;
    }

    private static IPAddress ResolveAddress(string host) =>
        host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host.Trim('[', ']'));

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50), _options.TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                _engine.Tick();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}

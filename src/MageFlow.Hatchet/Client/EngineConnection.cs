using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Resilience;
using Polly;
using Polly.Retry;

namespace MageFlow.Hatchet.Client;

/// <summary>The client's single gRPC channel to the engine, its auth, and the retry pipelines of its calls.</summary>
internal sealed class EngineConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly HatchetClientOptions _options;
    private readonly Lock _featuresGate = new();
    private Task<EngineFeatures>? _features;

    public EngineConnection(HatchetClientOptions options, ResolvedConfig config)
    {
        _options = options;
        HostPort = config.HostPort;
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(60),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        HatchetClientOptions.TrySplitHostPort(config.HostPort, out var host, out _);
        if (options.TlsStrategy != TlsStrategy.None)
        {
            handler.SslOptions = EngineTls.Build(options, options.TlsServerName ?? host);
        }

        var scheme = options.TlsStrategy == TlsStrategy.None ? "http" : "https";
        _channel = GrpcChannel.ForAddress($"{scheme}://{config.HostPort}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = options.MaxMessageSize,
            MaxSendMessageSize = options.MaxMessageSize,
            LoggerFactory = options.LoggerFactory is { } loggerFactory ? new GrpcChannelLoggerFactory(loggerFactory) : null,
            DisposeHttpClient = true,

            // gRPC's default reconnect backoff grows to 120 s, and calls fail at once while it waits: after an outage of
            // a few seconds the worker would stay unschedulable (heartbeats lapse after 5 s) and triggers would fail for
            // minutes. Retrying the connection every few seconds at most keeps recovery within a heartbeat interval.
            MaxReconnectBackoff = TimeSpan.FromSeconds(2),
        });
        var token = options.Token!.Trim();
        var invoker = _channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "bearer " + token);
            return metadata;
        });
        Dispatcher = new Protocol.Dispatcher.DispatcherClient(invoker);
        Workflows = new Protocol.WorkflowService.WorkflowServiceClient(invoker);
        Events = new Protocol.EventsService.EventsServiceClient(invoker);
        Admin = new Protocol.V1.AdminService.AdminServiceClient(invoker);
        Durable = new Protocol.V1.V1Dispatcher.V1DispatcherClient(invoker);
        Unary = options.Retry.ToPipeline(e => e is RpcException r && IsTransient(r.StatusCode), options.TimeProvider);
    }

    /// <summary>Gets the engine's address, for messages.</summary>
    public string HostPort { get; }

    public Protocol.Dispatcher.DispatcherClient Dispatcher { get; }

    public Protocol.WorkflowService.WorkflowServiceClient Workflows { get; }

    public Protocol.EventsService.EventsServiceClient Events { get; }

    public Protocol.V1.AdminService.AdminServiceClient Admin { get; }

    /// <summary>Gets the durable-wait client (<c>RegisterDurableEvent</c>, <c>ListenForDurableEvent</c>).</summary>
    public Protocol.V1.V1Dispatcher.V1DispatcherClient Durable { get; }

    /// <summary>Gets the pipeline of unary calls: retries on <c>UNAVAILABLE</c> and <c>DEADLINE_EXCEEDED</c>.</summary>
    public ResiliencePipeline Unary { get; }

    public static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded;

    /// <summary>Builds a pipeline that keeps a stream alive: retries for ever, backing off up to <see cref="HatchetClientOptions.MaxReconnectDelay"/>.</summary>
    public ResiliencePipeline ReconnectPipeline(Func<Exception, bool> shouldRetry, Func<OnRetryArguments<object>, ValueTask> onRetry) =>
        new RetryOptions { MaxRetryAttempts = int.MaxValue, Delay = TimeSpan.FromMilliseconds(100), MaxDelay = _options.MaxReconnectDelay }
            .ToPipeline(shouldRetry, _options.TimeProvider, onRetry);

    /// <summary>Runs a unary call with the retry pipeline, turning gRPC errors into <see cref="HatchetRpcException"/>.</summary>
    public async Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await Unary.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            throw new HatchetRpcException(operation, e);
        }
    }

    /// <summary>Reads the engine's version once (a failed read is tried again on the next call).</summary>
    public Task<EngineFeatures> GetFeaturesAsync(CancellationToken cancellationToken)
    {
        lock (_featuresGate)
        {
            if (_features is null || _features.IsFaulted || _features.IsCanceled)
            {
                _features = ReadFeaturesAsync(cancellationToken);
            }

            return _features;
        }
    }

    public void Dispose() => _channel.Dispose();

    private async Task<EngineFeatures> ReadFeaturesAsync(CancellationToken cancellationToken)
    {
        var response = await CallAsync("reading the engine version", ct => Dispatcher.GetVersionAsync(new Protocol.GetVersionRequest(), cancellationToken: ct).ResponseAsync, cancellationToken).ConfigureAwait(false);
        return EngineFeatures.From(response.Version);
    }
}

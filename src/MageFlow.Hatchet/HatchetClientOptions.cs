using System.Collections;
using System.Text.Json;
using MageFlow.Hatchet.Client;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Resilience;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet;

/// <summary>
/// Settings of a <see cref="HatchetClient"/>. <see cref="FromEnvironment"/> reads them the way every Hatchet SDK does
/// (<c>HATCHET_CLIENT_TOKEN</c>, <c>HATCHET_CLIENT_HOST_PORT</c>, <c>HATCHET_CLIENT_TLS_*</c>, <c>HATCHET_CLIENT_NAMESPACE</c>).
/// </summary>
public sealed class HatchetClientOptions
{
    /// <summary>Gets or sets the API token (a JWT). Its <c>sub</c> claim is the tenant id.</summary>
    /// <value>Required. Never logged.</value>
    public string? Token { get; set; }

    /// <summary>Gets or sets the engine's gRPC <c>host:port</c>. A scheme or trailing slash is tolerated.</summary>
    /// <value>The default value is the token's <c>grpc_broadcast_address</c> claim.</value>
    public string? HostPort { get; set; }

    /// <summary>Gets or sets the base URL of Hatchet's REST API (used to pause a worker on shutdown).</summary>
    /// <value>The default value is the token's <c>server_url</c> claim.</value>
    public string? ServerUrl { get; set; }

    /// <summary>Gets or sets the namespace prefixed to workflow names and event keys, as the Python SDK normalises it (lower case, ending in <c>_</c>).</summary>
    /// <value>The default value is none.</value>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets the transport security.</summary>
    /// <value>The default value is <see cref="TlsStrategy.Tls"/>, as in Hatchet's SDKs.</value>
    public TlsStrategy TlsStrategy { get; set; } = TlsStrategy.Tls;

    /// <summary>Gets or sets a PEM file with the root CA that signed the engine's certificate.</summary>
    /// <value>The default value is none: the system trust store.</value>
    public string? TlsRootCaFile { get; set; }

    /// <summary>Gets or sets the client certificate PEM file for <see cref="TlsStrategy.Mtls"/>.</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>Gets or sets the client key PEM file for <see cref="TlsStrategy.Mtls"/>.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>Gets or sets the server name expected in the engine's certificate.</summary>
    /// <value>The default value is the host part of <see cref="HostPort"/>.</value>
    public string? TlsServerName { get; set; }

    /// <summary>Gets or sets the largest gRPC message sent or received.</summary>
    /// <value>The default value is 4 MiB, as in Hatchet.</value>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets how calls to the engine are retried on <c>UNAVAILABLE</c> or <c>DEADLINE_EXCEEDED</c>.</summary>
    /// <value>The default value is 5 retries, starting at 200 ms and doubling up to 5 s, with jitter.</value>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the longest wait between two attempts to reopen a stream (a worker's actions, run results).</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the interceptors of the client and its workers, outermost first (see <see cref="HatchetInterceptor"/>).</summary>
    public IList<HatchetInterceptor> Interceptors { get; } = [];

    /// <summary>Gets or sets the JSON options for task inputs and outputs.</summary>
    /// <value>The default value is <see cref="JsonSerializerDefaults.Web"/> (camelCase, case-insensitive reads), which matches TypeScript tasks.
    /// For Python tasks use <see cref="JsonNamingPolicy.SnakeCaseLower"/> or <c>[JsonPropertyName]</c>.</value>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Gets or sets the logger factory.</summary>
    /// <value>The default value is <see langword="null"/>: no logging.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock (heartbeats, backoff).</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Reads the options from <c>HATCHET_CLIENT_*</c> environment variables.</summary>
    /// <param name="environment">The variables; <see langword="null"/> for the process environment.</param>
    /// <returns>The options. Nothing is validated until a client is created.</returns>
    public static HatchetClientOptions FromEnvironment(IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = environment ?? ReadProcessEnvironment();
        string? Get(string name) => env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var options = new HatchetClientOptions
        {
            Token = Get("HATCHET_CLIENT_TOKEN"),
            HostPort = Get("HATCHET_CLIENT_HOST_PORT"),
            ServerUrl = Get("HATCHET_CLIENT_SERVER_URL") ?? Get("HATCHET_CLIENT_API_URL"),
            Namespace = Get("HATCHET_CLIENT_NAMESPACE"),
            TlsRootCaFile = Get("HATCHET_CLIENT_TLS_ROOT_CA_FILE"),
            TlsCertFile = Get("HATCHET_CLIENT_TLS_CERT_FILE"),
            TlsKeyFile = Get("HATCHET_CLIENT_TLS_KEY_FILE"),
            TlsServerName = Get("HATCHET_CLIENT_TLS_SERVER_NAME"),
        };
        if (Get("HATCHET_CLIENT_TLS_STRATEGY") is { } strategy)
        {
            options.TlsStrategy = strategy.ToUpperInvariant() switch
            {
                "TLS" => TlsStrategy.Tls,
                "MTLS" => TlsStrategy.Mtls,
                "NONE" => TlsStrategy.None,
                _ => throw new HatchetConfigurationException($"HATCHET_CLIENT_TLS_STRATEGY='{strategy}' is not one of tls, mtls, none."),
            };
        }

        if (Get("HATCHET_CLIENT_GRPC_MAX_SEND_MESSAGE_LENGTH") is { } max &&
            int.TryParse(max, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var size))
        {
            options.MaxMessageSize = size;
        }

        return options;
    }

    /// <summary>Returns a deep copy, so later changes do not affect a client created from these options.</summary>
    /// <returns>The copy.</returns>
    public HatchetClientOptions Clone()
    {
        var copy = new HatchetClientOptions
        {
            Token = Token,
            HostPort = HostPort,
            ServerUrl = ServerUrl,
            Namespace = Namespace,
            TlsStrategy = TlsStrategy,
            TlsRootCaFile = TlsRootCaFile,
            TlsCertFile = TlsCertFile,
            TlsKeyFile = TlsKeyFile,
            TlsServerName = TlsServerName,
            MaxMessageSize = MaxMessageSize,
            Retry = Retry.Clone(),
            MaxReconnectDelay = MaxReconnectDelay,
            JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerOptions),
            LoggerFactory = LoggerFactory,
            TimeProvider = TimeProvider,
        };
        foreach (var interceptor in Interceptors)
        {
            copy.Interceptors.Add(interceptor);
        }

        return copy;
    }

    /// <summary>Lists every problem with these options at once (what <see cref="HatchetClient.Create"/> would refuse), so
    /// a host can report them all when it starts. The messages never contain the token.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        Check(errors, out _);
        return errors;
    }

    /// <summary>Checks every setting and derives the connection details. Throws one exception listing every problem.</summary>
    internal ResolvedConfig Resolve()
    {
        var errors = new List<string>();
        var hostPort = Check(errors, out var token);
        HatchetConfigurationException.ThrowIfAny("Hatchet client configuration", errors);
        return new ResolvedConfig(token!.TenantId, hostPort!, (ServerUrl ?? token.ServerUrl)?.TrimEnd('/'), NormaliseNamespace(Namespace));
    }

    private string? Check(List<string> errors, out HatchetToken? token)
    {
        token = null;
        try
        {
            token = HatchetToken.Parse(Token);
        }
        catch (HatchetConfigurationException e)
        {
            // Reported with the others, so one start shows every problem rather than the token's alone.
            errors.Add(e.Message);
        }

        var hostPort = NormaliseHostPort(HostPort ?? token?.GrpcBroadcastAddress);
        if (hostPort is null)
        {
            errors.Add("No engine address: set HATCHET_CLIENT_HOST_PORT (host:port); the token has no grpc_broadcast_address claim either.");
        }
        else if (!TrySplitHostPort(hostPort, out _, out _))
        {
            errors.Add($"HATCHET_CLIENT_HOST_PORT='{hostPort}' is not host:port.");
        }

        if (TlsStrategy == TlsStrategy.Mtls && (TlsCertFile is null || TlsKeyFile is null))
        {
            errors.Add("TLS strategy mtls needs HATCHET_CLIENT_TLS_CERT_FILE and HATCHET_CLIENT_TLS_KEY_FILE.");
        }

        foreach (var (what, path) in new[] { ("HATCHET_CLIENT_TLS_ROOT_CA_FILE", TlsRootCaFile), ("HATCHET_CLIENT_TLS_CERT_FILE", TlsCertFile), ("HATCHET_CLIENT_TLS_KEY_FILE", TlsKeyFile) })
        {
            if (path is not null && TlsStrategy != TlsStrategy.None && !File.Exists(path))
            {
                errors.Add($"{what}='{path}' does not exist.");
            }
        }

        if (MaxMessageSize < 1024)
        {
            errors.Add("MaxMessageSize must be at least 1024 bytes.");
        }

        errors.AddRange(Retry.GetValidationErrors("Retry"));
        if (MaxReconnectDelay < TimeSpan.FromMilliseconds(100))
        {
            errors.Add("MaxReconnectDelay must be at least 100 ms.");
        }

        return hostPort;
    }

    internal static string NormaliseNamespace(string? ns)
    {
        if (string.IsNullOrWhiteSpace(ns))
        {
            return string.Empty;
        }

        var lower = ns.Trim().ToLowerInvariant();
        return lower.EndsWith('_') ? lower : lower + "_";
    }

    internal static bool TrySplitHostPort(string hostPort, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var i = hostPort.LastIndexOf(':');
        if (i <= 0 || !int.TryParse(hostPort.AsSpan(i + 1), System.Globalization.CultureInfo.InvariantCulture, out port) || port is <= 0 or > 65535)
        {
            return false;
        }

        host = hostPort[..i].Trim('[', ']');
        return host.Length > 0;
    }

    private static string? NormaliseHostPort(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var v = value.Trim();
        foreach (var scheme in new[] { "http://", "https://", "grpc://", "grpcs://" })
        {
            if (v.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                v = v[scheme.Length..];
            }
        }

        return v.TrimEnd('/');
    }

    private static Dictionary<string, string> ReadProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && k.StartsWith("HATCHET_CLIENT_", StringComparison.Ordinal) && e.Value is string v)
            {
                result[k] = v;
            }
        }

        return result;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>
/// Fills <see cref="HatchetClientOptions"/> from two layers, the later winning key by key: the <c>HATCHET_CLIENT_*</c>
/// variables every Hatchet SDK reads, then the <c>Hatchet</c> configuration section (appsettings.json, user secrets,
/// <c>Hatchet__*</c> variables, Key Vault: whatever providers the host has, in its order). Code given to
/// <c>AddHatchet</c> runs after this and wins over both.
/// </summary>
internal sealed class HatchetClientOptionsSetup(HatchetEnvironment environment, IConfiguration? configuration = null) : IConfigureOptions<HatchetClientOptions>
{
    public const string SectionName = "Hatchet";

    private static readonly (string Variable, string Key)[] Variables =
    [
        ("HATCHET_CLIENT_TOKEN", "Token"),
        ("HATCHET_CLIENT_HOST_PORT", "HostPort"),
        ("HATCHET_CLIENT_API_URL", "ServerUrl"),
        ("HATCHET_CLIENT_SERVER_URL", "ServerUrl"), // after API_URL: the SDK prefers SERVER_URL when both are set
        ("HATCHET_CLIENT_NAMESPACE", "Namespace"),
        ("HATCHET_CLIENT_TLS_STRATEGY", "TlsStrategy"),
        ("HATCHET_CLIENT_TLS_ROOT_CA_FILE", "TlsRootCaFile"),
        ("HATCHET_CLIENT_TLS_CERT_FILE", "TlsCertFile"),
        ("HATCHET_CLIENT_TLS_KEY_FILE", "TlsKeyFile"),
        ("HATCHET_CLIENT_TLS_SERVER_NAME", "TlsServerName"),
        ("HATCHET_CLIENT_GRPC_MAX_SEND_MESSAGE_LENGTH", "MaxMessageSize"),
    ];

    private static readonly string[] Keys =
    [
        "Token", "HostPort", "ServerUrl", "Namespace", "TlsStrategy", "TlsRootCaFile", "TlsCertFile", "TlsKeyFile",
        "TlsServerName", "MaxMessageSize", "MaxReconnectDelay", "Retry:MaxRetryAttempts", "Retry:Delay", "Retry:MaxDelay",
    ];

    public void Configure(HatchetClientOptions options)
    {
        var settings = new LayeredSettings(["Token"]);
        settings.AddVariables(environment.Variables, Variables);
        settings.AddSection(configuration?.GetSection(SectionName), Keys, skip: IsWorkerKey);
        options.Token = settings.String("Token") ?? options.Token;
        options.HostPort = settings.String("HostPort") ?? options.HostPort;
        options.ServerUrl = settings.String("ServerUrl") ?? options.ServerUrl;
        options.Namespace = settings.String("Namespace") ?? options.Namespace;
        options.TlsStrategy = settings.Enum<TlsStrategy>("TlsStrategy") ?? options.TlsStrategy;
        options.TlsRootCaFile = settings.String("TlsRootCaFile") ?? options.TlsRootCaFile;
        options.TlsCertFile = settings.String("TlsCertFile") ?? options.TlsCertFile;
        options.TlsKeyFile = settings.String("TlsKeyFile") ?? options.TlsKeyFile;
        options.TlsServerName = settings.String("TlsServerName") ?? options.TlsServerName;
        options.MaxMessageSize = settings.Int("MaxMessageSize") ?? options.MaxMessageSize;
        options.MaxReconnectDelay = settings.Duration("MaxReconnectDelay") ?? options.MaxReconnectDelay;
        options.Retry.MaxRetryAttempts = settings.Int("Retry:MaxRetryAttempts") ?? options.Retry.MaxRetryAttempts;
        options.Retry.Delay = settings.Duration("Retry:Delay") ?? options.Retry.Delay;
        options.Retry.MaxDelay = settings.Duration("Retry:MaxDelay") ?? options.Retry.MaxDelay;
        BindingErrors.Set(options, settings.Errors);
    }

    /// <summary>Workers have their own settings under <c>Hatchet:Workers:&lt;name&gt;</c>.</summary>
    internal static bool IsWorkerKey(string path) =>
        path.Equals("Workers", StringComparison.OrdinalIgnoreCase) || path.StartsWith("Workers:", StringComparison.OrdinalIgnoreCase);
}

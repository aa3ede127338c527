namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// A <c>redis-server</c> of its own serving TLS only (no cleartext port), with certificates from
/// <see cref="TestCertificates"/>: Debian's redis-server is built with TLS. A missing redis-server fails the test.
/// </summary>
public sealed class TlsRedisServer : IAsyncDisposable
{
    private readonly RedisServerProcess _server;

    private TlsRedisServer(RedisServerProcess server) => _server = server;

    public int Port => _server.Port;

    /// <summary>Gets the <c>rediss://</c> URL of the server.</summary>
    public string Url => $"rediss://127.0.0.1:{Port}";

    /// <summary>Starts the server; with <paramref name="requireClientCertificates"/> it asks every client for a
    /// certificate issued by the test CA (mutual TLS).</summary>
    public static async Task<TlsRedisServer> StartAsync(TestCertificates certificates, bool requireClientCertificates = false)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var server = await RedisServerProcess.StartAsync(
            port =>
            [
                "--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--tls-cert-file", certificates.ServerCertFile, "--tls-key-file", certificates.ServerKeyFile,
                "--tls-ca-cert-file", certificates.CaFile, "--tls-auth-clients", requireClientCertificates ? "yes" : "no", "--save", string.Empty, "--appendonly", "no",
            ],
            certificates.Directory,
            "redis-server with TLS");
        return new TlsRedisServer(server);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// A <c>redis-server</c> of its own serving TLS only (no cleartext port), with certificates from
/// <see cref="TestCertificates"/>: Debian's redis-server is built with TLS. A missing redis-server fails the test.
/// </summary>
public sealed class TlsRedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private TlsRedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Gets the <c>rediss://</c> URL of the server.</summary>
    public string Url => $"rediss://127.0.0.1:{Port}";

    public static async Task<TlsRedisServer> StartAsync(TestCertificates certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var port = FreePort();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = certificates.Directory,
        };
        foreach (var arg in new[]
        {
            "--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--tls-cert-file", certificates.ServerCertFile, "--tls-key-file", certificates.ServerKeyFile,
            "--tls-ca-cert-file", certificates.CaFile, "--tls-auth-clients", "no", "--save", string.Empty, "--appendonly", "no",
        })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("the TLS tests need redis-server (apt-get install -y redis-server; .ci/run installs it)", e);
        }

        var server = new TlsRedisServer(process, port);
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (!await server.AcceptsAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = process.HasExited ? await process.StandardOutput.ReadToEndAsync() : string.Empty;
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server with TLS did not start on port {port}: {output}");
            }

            await Task.Delay(50);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>
/// A <c>redis-server</c> process of a test's own, on a free loopback port, for what the shared server cannot be used
/// for (TLS, replicas). A missing redis-server fails the test.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>Gets the port it listens on.</summary>
    public int Port { get; }

    /// <summary>Gets a StackExchange.Redis configuration for a plain (non-TLS) server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a plain server with no persistence and the given extra arguments.</summary>
    public static Task<RedisServerProcess> StartAsync(params string[] extraArguments) =>
        StartAsync(port => ["--port", Invariant(port), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", .. extraArguments], null, "redis-server");

    /// <summary>Starts a server with the arguments <paramref name="arguments"/> builds for the chosen port.</summary>
    /// <param name="arguments">The arguments, given the port to listen on.</param>
    /// <param name="workingDirectory">Its working directory, or the current one.</param>
    /// <param name="what">What the server is for, in error messages.</param>
    public static async Task<RedisServerProcess> StartAsync(Func<int, IEnumerable<string>> arguments, string? workingDirectory, string what)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var port = FreePort();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var arg in arguments(port))
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
            throw new InvalidOperationException($"this test needs redis-server for {what} (apt-get install -y redis-server; .ci/run installs it)", e);
        }

        var server = new RedisServerProcess(process, port);
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (!await server.AcceptsAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = process.HasExited ? await process.StandardOutput.ReadToEndAsync() : string.Empty;
                await server.DisposeAsync();
                throw new InvalidOperationException($"{what} did not start on port {port}: {output}");
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

    private static string Invariant(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

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

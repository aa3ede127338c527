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
    private readonly ProcessStartInfo _start;
    private readonly string _what;
    private Process _process;

    private RedisServerProcess(Process process, ProcessStartInfo start, int port, string what)
    {
        _process = process;
        _start = start;
        Port = port;
        _what = what;
    }

    /// <summary>Gets the port it listens on.</summary>
    public int Port { get; }

    /// <summary>Gets a StackExchange.Redis configuration for a plain (non-TLS) server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a plain server with no persistence and the given extra arguments.</summary>
    public static Task<RedisServerProcess> StartAsync(params string[] extraArguments) =>
        StartAsync(port => ["--port", Invariant(port), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--loglevel", "warning", .. extraArguments], null, "redis-server");

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

        var server = new RedisServerProcess(Launch(start, what), start, port, what);
        await server.UntilAcceptingAsync();
        return server;
    }

    /// <summary>Starts the server again, with the same arguments and port, once the previous process has exited (after a
    /// <c>SHUTDOWN</c>, say; a live one is killed first).</summary>
    public async Task RestartAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = Launch(_start, _what);
        await UntilAcceptingAsync();
    }

    /// <summary>Waits until the process has exited (after a <c>SHUTDOWN</c>).</summary>
    public Task ExitedAsync() => _process.WaitForExitAsync();

    private static Process Launch(ProcessStartInfo start, string what)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"this test needs redis-server for {what} (apt-get install -y redis-server; .ci/run installs it)", e);
        }
    }

    private async Task UntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (!await AcceptsAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = _process.HasExited ? await _process.StandardOutput.ReadToEndAsync() : string.Empty;
                await DisposeAsync();
                throw new InvalidOperationException($"{_what} did not start on port {Port}: {output}");
            }

            await Task.Delay(50);
        }
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

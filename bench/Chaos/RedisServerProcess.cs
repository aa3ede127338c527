using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>
/// A redis-server of the bench's own, on a free loopback port in a temp directory. The faulted one runs with
/// <c>--appendonly yes --appendfsync everysec</c>, so <c>SHUTDOWN NOSAVE</c> (which still flushes the AOF) and a
/// restart replay every acknowledged write. Admin commands go through redis-cli, which needs no connection state.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly string _dir;
    private readonly bool _aof;
    private Process? _process;

    private RedisServerProcess(string dir, int port, bool aof)
    {
        _dir = dir;
        Port = port;
        _aof = aof;
    }

    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)},abortConnect=false";

    public static async Task<RedisServerProcess> StartAsync(string name, bool aof)
    {
        var dir = Directory.CreateTempSubdirectory("mageflow-chaos-" + name + "-").FullName;
        var server = new RedisServerProcess(dir, FreePort(), aof);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="ShutdownAsync"/>: it replays its AOF) and waits for PONG.</summary>
    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo("redis-server") { WorkingDirectory = _dir, UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir, "--save", string.Empty,
            "--appendonly", _aof ? "yes" : "no", "--appendfsync", "everysec", "--enable-debug-command", "local", "--loglevel", "warning",
        })
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start (is it installed?)");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        for (var i = 0; i < 200; i++)
        {
            if ((await CliAsync("PING")).Contains("PONG", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING");
    }

    /// <summary><c>SHUTDOWN NOSAVE</c>, then waits for the process to exit.</summary>
    public async Task ShutdownAsync()
    {
        await CliAsync("SHUTDOWN", "NOSAVE");
        if (_process is { } p)
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            p.Dispose();
            _process = null;
        }
    }

    /// <summary>Runs one command through redis-cli and returns what it printed.</summary>
    public async Task<string> CliAsync(params string[] command)
    {
        var psi = new ProcessStartInfo("redis-cli") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture) }.Concat(command))
        {
            psi.ArgumentList.Add(a);
        }

        using var cli = Process.Start(psi) ?? throw new InvalidOperationException("redis-cli did not start");
        var output = await cli.StandardOutput.ReadToEndAsync();
        await cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

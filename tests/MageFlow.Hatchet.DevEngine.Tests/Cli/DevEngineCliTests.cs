using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;

namespace MageFlow.Hatchet.DevEngine.Tests.Cli;

/// <summary>
/// <c>hatchet-dev-engine</c> as a process: every mistake a user can make ends with one precise line on stderr and a
/// non-zero exit code, never a stack trace; and a key file keeps issued tokens valid across restarts.
/// </summary>
public sealed class DevEngineCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hatchet-dev-engine-cli-").FullName;

    public static TheoryData<string[], string> BadCommandLines => new()
    {
        { ["--port", "abc"], "--port 'abc' is not a port number" },
        { ["--port"], "--port" },
        { ["--port", "70000"], "--port 70000 is out of range" },
        { ["--port=99999"], "--port 99999 is out of range" },
        { ["--rest-port", "x"], "--rest-port 'x' is not a port number" },
        { ["--host", "0.0.0.0"], "--host 0.0.0.0 is not a loopback address; add --allow-remote" },
        { ["--host", "not-an-address"], "is not an IP address" },
        { ["--no-such-option"], "--no-such-option" },
        { ["--port=0", "--tls-cert", "/nonexistent/server.pem", "--tls-key", "/nonexistent/server.key"], "TlsCertificateFile '/nonexistent/server.pem' does not exist" },
        { ["--port=0", "--tls-client-ca", "/nonexistent/ca.pem"], "TlsClientCaFile (mutual TLS) needs TlsCertificateFile and TlsKeyFile" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task Run_BadCommandLine_ExitsNonZeroWithOneLineAndNoStackTrace(string[] args, string expected)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        var line = AssertOneLineWithoutStackTrace(stderr);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortInUse_ExitsNonZeroWithOneLineNamingTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (code, _, stderr) = await CliProcess.RunAsync($"--port={port}", "--rest-port=0");

        Assert.Equal(1, code);
        var line = AssertOneLineWithoutStackTrace(stderr);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnreadableKeyFile_ExitsNonZeroWithOneLine()
    {
        var keyFile = Path.Combine(_dir, "bad.key");
        await File.WriteAllTextAsync(keyFile, "not base64!");

        var (code, _, stderr) = await CliProcess.RunAsync("--port=0", "--key-file", keyFile);

        Assert.Equal(1, code);
        Assert.Contains($"key file {keyFile} does not hold a base64 key", AssertOneLineWithoutStackTrace(stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheVersionAndExitsZero()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("--version");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?(\+[0-9A-Za-z.]+)?\r?\n$", stdout);
    }

    [Fact]
    public async Task Help_ListsEveryOptionAndExitsZero()
    {
        var (code, stdout, _) = await CliProcess.RunAsync("--help");

        Assert.Equal(0, code);
        foreach (var option in new[] { "--port", "--rest-port", "--host", "--allow-remote", "--env-file", "--key-file", "--engine-version", "--verbose", "--version" })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_PortWithEqualsSign_ServesOnThatPortAndStopsQuietlyOnSigterm()
    {
        var port = FreePort();
        await using var cli = CliProcess.Start($"--port={port}", "--rest-port=0");
        await cli.WaitReadyAsync();

        Assert.Equal($"127.0.0.1:{port}", cli.Setting("HATCHET_CLIENT_HOST_PORT"));
        Assert.Equal("v0.104.7", await GetVersionAsync(cli.Setting("HATCHET_CLIENT_HOST_PORT"), cli.Setting("HATCHET_CLIENT_TOKEN")));
        Assert.Equal(0, await cli.StopAsync());
        Assert.Equal(string.Empty, cli.Stderr);
    }

    [Fact]
    public async Task Restart_SameKeyFile_TokenFromTheEnvFileIsStillValid()
    {
        var (grpcPort, restPort) = (FreePort(), FreePort());
        var envFile = Path.Combine(_dir, "dev", "hatchet.env");
        string token;
        await using (var first = CliProcess.Start($"--port={grpcPort}", $"--rest-port={restPort}", "--env-file", envFile))
        {
            await first.WaitReadyAsync();
            token = ReadEnvFile(envFile)["HATCHET_CLIENT_TOKEN"];
            Assert.Equal(0, await first.StopAsync());
        }

        // The key was persisted beside the env file, readable by its owner only; so is the env file (it holds a token).
        var keyFile = envFile + ".key";
        Assert.True(File.Exists(keyFile), "no key file beside the env file");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envFile));
        }

        await using var second = CliProcess.Start($"--port={grpcPort}", $"--rest-port={restPort}", "--key-file", keyFile);
        await second.WaitReadyAsync();

        Assert.Equal("v0.104.7", await GetVersionAsync(ReadEnvFile(envFile)["HATCHET_CLIENT_HOST_PORT"], token));
        Assert.Equal($"http://127.0.0.1:{restPort}", ReadEnvFile(envFile)["HATCHET_CLIENT_SERVER_URL"]);

        // Without the key a new engine signs with a random one, and the old token is refused.
        await using var stranger = CliProcess.Start("--port=0", "--rest-port=0");
        await stranger.WaitReadyAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => GetVersionAsync(stranger.Setting("HATCHET_CLIENT_HOST_PORT"), token));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string AssertOneLineWithoutStackTrace(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("hatchet-dev-engine: ", line, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\bat [A-Za-z_][\w.`]*\.[\w<>`]+\(", stderr); // a stack frame: "at Namespace.Type.Method("
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        return line;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Dictionary<string, string> ReadEnvFile(string path) =>
        File.ReadAllLines(path).Where(l => l.Contains('=', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);

    private static async Task<string> GetVersionAsync(string hostPort, string token)
    {
        using var channel = GrpcChannel.ForAddress($"http://{hostPort}");
        var dispatcher = new Dispatcher.DispatcherClient(channel);
        var reply = await dispatcher.GetVersionAsync(new GetVersionRequest(), new Metadata { { "authorization", "bearer " + token } }).ResponseAsync.WaitAsync(Timeouts.Wait);
        return reply.Version;
    }
}

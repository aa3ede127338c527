using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace MageFlow.Hatchet.DevEngine.Tests.Infrastructure;

/// <summary>
/// <c>hatchet-dev-engine</c> run as a real process (<c>dotnet hatchet-dev-engine.dll</c>), as a user runs it: the
/// exit code, stderr and the absence of stack traces are only observable that way.
/// </summary>
public sealed class CliProcess : IAsyncDisposable
{
    private const string ReadyLine = "# Press Ctrl+C to stop.";
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
    }

    public static string DllPath { get; } = Path.Combine(
        Repo.Root, "src", "MageFlow.Hatchet.DevEngine.Cli", "bin",
        typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!,
        "net10.0", "hatchet-dev-engine.dll");

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts the CLI with <paramref name="args"/>.</summary>
    public static CliProcess Start(params string[] args)
    {
        Assert.True(File.Exists(DllPath), $"{DllPath} is missing: build src/MageFlow.Hatchet.DevEngine.Cli first");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => cli.OnStderr(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs the CLI to its end and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        await using var cli = Start(args);
        var code = await cli.WaitForExitAsync();
        return (code, cli.Stdout, cli.Stderr);
    }

    /// <summary>Waits until the engine prints that it is running; fails with its output if it exits instead.</summary>
    public async Task WaitReadyAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited).WaitAsync(Timeouts.Wait);
        Assert.True(first == _ready.Task, $"hatchet-dev-engine exited before it was ready.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    /// <summary>Sends SIGTERM, as a service manager or Ctrl+C would, and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Timeouts.Wait);

        // The parameterless wait also drains the redirected output.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Reads one <c>NAME=value</c> setting the engine printed.</summary>
    public string Setting(string name) =>
        Stdout.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stdout)
        {
            _stdout.AppendLine(line);
        }

        if (line == ReadyLine)
        {
            _ready.TrySetResult();
        }
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.AppendLine(line);
        }
    }
}

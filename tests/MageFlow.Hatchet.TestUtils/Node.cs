using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace MageFlow.Hatchet.TestUtils;

/// <summary>Finds the repository and the TypeScript interop package.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string InteropDir => Path.Combine(Root, "tests", "interop", "ts");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MageFlow.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find MageFlow.sln above " + AppContext.BaseDirectory);
    }
}

/// <summary>
/// A node script from tests/interop/ts, run with the official Hatchet TypeScript SDK against a dev engine.
/// Scripts print one JSON object per line on stdout; other lines (SDK logs) are kept for diagnostics.
/// A missing Node.js or a missing <c>npm ci</c> is a test failure, never a skip.
/// </summary>
public sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _log = new();

    private NodeScript(Process process)
    {
        _process = process;
    }

    /// <summary>Gets everything the script printed so far (for assertion messages).</summary>
    public string Output
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static NodeScript Start(HatchetDevEngine engine, string script, params string[] args) =>
        Start(engine.ClientEnvironment, script, args);

    public static NodeScript Start(IReadOnlyDictionary<string, string> env, string script, params string[] args)
    {
        var node = FindNode();
        var sdk = Path.Combine(Repo.InteropDir, "node_modules", "@hatchet-dev", "typescript-sdk");
        if (!Directory.Exists(sdk))
        {
            throw new InvalidOperationException($"The Hatchet TypeScript SDK is not installed: run 'npm ci' in {Repo.InteropDir} (.ci/run does this).");
        }

        var psi = new ProcessStartInfo(node)
        {
            WorkingDirectory = Repo.InteropDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(Repo.InteropDir, script));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        psi.Environment["HATCHET_CLIENT_LOG_LEVEL"] = "WARN";
        psi.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var script_ = new NodeScript(process);
        process.OutputDataReceived += (_, e) => script_.OnLine(e.Data, isStdout: true);
        process.ErrorDataReceived += (_, e) => script_.OnLine(e.Data, isStdout: false);
        if (!process.Start())
        {
            throw new InvalidOperationException("node did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = script_.WatchExitAsync();
        return script_;
    }

    /// <summary>Waits for the next JSON message whose <c>event</c> property equals <paramref name="eventName"/>.</summary>
    public async Task<JsonElement> WaitForAsync(string eventName, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            while (await _messages.Reader.WaitToReadAsync(cts.Token))
            {
                while (_messages.Reader.TryRead(out var msg))
                {
                    if (msg.TryGetProperty("event", out var ev) && ev.GetString() == eventName)
                    {
                        return msg;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node script did not print '{eventName}' in time. Output:\n{Output}");
        }

        throw new InvalidOperationException($"node script exited ({ExitCode}) before printing '{eventName}'. Output:\n{Output}");
    }

    /// <summary>Waits for the script to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node script did not exit in time. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the script (a worker that dies), keeping its output for the log.</summary>
    /// <returns>A task that ends when the process has exited.</returns>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static string FindNode()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "node");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Node.js (node) is not on PATH; the TypeScript interop tests need it. Install Node.js 20 or later (.ci/run does).");
    }

    private void OnLine(string? line, bool isStdout)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Append(isStdout ? "out| " : "err| ").AppendLine(line);
        }

        if (isStdout && line.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                _messages.Writer.TryWrite(doc.RootElement.Clone());
            }
            catch (JsonException)
            {
                // An SDK log line that happens to start with '{'.
            }
        }
    }

    private async Task WatchExitAsync()
    {
        // WaitForExitAsync also waits for the redirected output to be drained.
        await _process.WaitForExitAsync();
        _messages.Writer.TryComplete();
    }
}

/// <summary>
/// The node scripts one test started. <see cref="StopAllAsync"/> (from the test's <c>DisposeAsync</c>) stops them and
/// writes what each printed to the test's output, which xunit shows when the test fails.
/// </summary>
public sealed class NodeScripts(Action<string> log)
{
    private readonly List<(string Name, NodeScript Script)> _scripts = [];

    /// <summary>Starts <paramref name="script"/> against <paramref name="engine"/> and keeps it for <see cref="StopAllAsync"/>.</summary>
    public NodeScript Start(HatchetDevEngine engine, string script, params string[] args)
    {
        var started = NodeScript.Start(engine, script, args);
        _scripts.Add((string.Join(' ', [script, .. args]), started));
        return started;
    }

    /// <summary>Starts <paramref name="script"/> and waits until it prints its <c>ready</c> event.</summary>
    public async Task<NodeScript> StartReadyAsync(HatchetDevEngine engine, string script, params string[] args)
    {
        var started = Start(engine, script, args);
        await started.WaitForAsync("ready", Timeouts.Wait);
        return started;
    }

    /// <summary>Stops every script and logs its exit code and output.</summary>
    public async Task StopAllAsync()
    {
        foreach (var (name, script) in _scripts)
        {
            var exit = script.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "still running, killed";
            await script.DisposeAsync();
            log($"----- {name} (exit: {exit})");
            log(script.Output);
        }
    }
}

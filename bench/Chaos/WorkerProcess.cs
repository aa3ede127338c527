using System.Diagnostics;

namespace MageFlow.Hatchet.Bench.Chaos;

/// <summary>
/// One worker process the injector may kill: a C# <c>chaos-worker</c> (this program again) or the TypeScript
/// worker. <see cref="KillHardAsync"/> is <c>kill -9</c>; <see cref="StartAsync"/> starts it again with the same
/// settings and waits for its "ready" line. Its stderr is echoed with its name, so a worker's errors show in the log.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Func<ProcessStartInfo> _startInfo;
    private Process? _process;
    private int _echoed;

    private WorkerProcess(string name, Func<ProcessStartInfo> startInfo)
    {
        Name = name;
        _startInfo = startInfo;
    }

    private const int MaxEchoedLines = 20;

    public string Name { get; }

    public static WorkerProcess CSharp(string name, IReadOnlyDictionary<string, string> env) => new(name, () =>
    {
        var self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(WorkerProcess).Assembly.Location);
        }

        psi.ArgumentList.Add("chaos-worker");
        psi.ArgumentList.Add(name);
        return WithEnvironment(psi, env);
    });

    public static WorkerProcess TypeScript(IReadOnlyDictionary<string, string> env) => new("ts", () =>
    {
        var dir = Path.Combine(NodeWorker.RepoRoot(), "tests", "interop", "ts");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "@hatchet-dev", "typescript-sdk")))
        {
            throw new InvalidOperationException($"run 'npm ci' in {dir} first");
        }

        var psi = new ProcessStartInfo("node") { WorkingDirectory = dir };
        psi.ArgumentList.Add("chaos-worker.js");
        psi.Environment["HATCHET_CLIENT_LOG_LEVEL"] = "ERROR";
        return WithEnvironment(psi, env);
    });

    public async Task StartAsync()
    {
        var psi = _startInfo();
        psi.UseShellExecute = false;
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"worker {Name} did not start");
        // Faults make workers log reconnect errors by the hundred: the first lines of each life say enough.
        Interlocked.Exchange(ref _echoed, 0);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                var n = Interlocked.Increment(ref _echoed);
                if (n <= MaxEchoedLines)
                {
                    Console.Error.WriteLine($"[{Name}] {line}");
                }
                else if (n == MaxEchoedLines + 1)
                {
                    Console.Error.WriteLine($"[{Name}] (further lines not shown)");
                }
            }
        };
        process.BeginErrorReadLine();
        _process = process;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == "ready")
            {
                _ = DrainAsync(process);
                return;
            }
        }

        throw new InvalidOperationException($"worker {Name} exited before it was ready (exit code {process.ExitCode})");
    }

    /// <summary><c>kill -9</c>, then waits until the process is gone.</summary>
    public async Task KillHardAsync()
    {
        if (_process is { } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            p.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } p)
        {
            try
            {
                p.StandardInput.Close();
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException)
            {
                p.Kill(entireProcessTree: true);
            }

            p.Dispose();
            _process = null;
        }
    }

    private static ProcessStartInfo WithEnvironment(ProcessStartInfo psi, IReadOnlyDictionary<string, string> env)
    {
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        return psi;
    }

    private static async Task DrainAsync(Process process)
    {
        try
        {
            while (await process.StandardOutput.ReadLineAsync() is not null)
            {
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The process was killed.
        }
    }
}

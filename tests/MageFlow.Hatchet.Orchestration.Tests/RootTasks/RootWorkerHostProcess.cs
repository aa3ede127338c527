using System.Diagnostics;
using System.Text;

namespace MageFlow.Hatchet.Orchestration.Tests.RootTasks;

/// <summary>
/// A running tests/MageFlow.Hatchet.RootWorkerHost process (built with this test project, which references it
/// without using its assembly). Kill it with <see cref="KillHard"/>; disposing kills it too.
/// </summary>
public sealed class RootWorkerHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RootWorkerHostProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    /// <summary>Gets everything the process printed (for assertion messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a host serving the tasks of <paramref name="prefix"/> and waits until it prints "ready".</summary>
    public static Task<RootWorkerHostProcess> StartAsync(IReadOnlyDictionary<string, string> engineEnvironment, string redisUrl, string prefix, int maxConcurrency) =>
        StartAsync(engineEnvironment, redisUrl, [prefix, maxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    /// <summary>Starts a host in its durable mode (<c>durable &lt;prefix&gt;</c>, see DurableHost.cs) and waits until it prints "ready".</summary>
    public static Task<RootWorkerHostProcess> StartDurableAsync(IReadOnlyDictionary<string, string> engineEnvironment, string redisUrl, string prefix) =>
        StartAsync(engineEnvironment, redisUrl, ["durable", prefix]);

    private static async Task<RootWorkerHostProcess> StartAsync(IReadOnlyDictionary<string, string> engineEnvironment, string redisUrl, string[] args)
    {
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(HostAssembly());
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (k, v) in engineEnvironment)
        {
            psi.Environment[k] = v;
        }

        psi.Environment["REDIS_URL"] = redisUrl;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var host = new RootWorkerHostProcess(process);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data, "err");
        process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException("the root worker host exited before it was ready:\n" + host.Output));
        if (!process.Start())
        {
            throw new InvalidOperationException("the root worker host did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await host.DisposeAsync();
            throw new TimeoutException("the root worker host did not print 'ready' in time:\n" + host.Output);
        }

        return host;
    }

    /// <summary>kill -9 the process (and anything it started) and waits until it is gone.</summary>
    public async Task KillHard()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    internal static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("cannot find the dotnet host (DOTNET_HOST_PATH or dotnet on PATH) to run the root worker host");
    }

    /// <summary>The host's build output sits beside this project's: same configuration and framework.</summary>
    private static string HostAssembly()
    {
        var tests = Path.Combine(Repo.Root, "tests");
        var project = typeof(RootWorkerHostProcess).Assembly.GetName().Name!;
        var relative = Path.GetRelativePath(Path.Combine(tests, project), AppContext.BaseDirectory);
        var path = Path.GetFullPath(Path.Combine(tests, "MageFlow.Hatchet.RootWorkerHost", relative, "MageFlow.Hatchet.RootWorkerHost.dll"));
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"the root worker host is not built at {path}: build tests/{project} (it builds the host) or the solution");
    }

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(stream).Append("| ").AppendLine(line);
        }

        if (stream == "out" && line == "ready")
        {
            _ready.TrySetResult();
        }
    }
}

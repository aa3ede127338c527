using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace MageFlow.Hatchet.Bench;

/// <summary>Runs tests/interop/ts/bench-worker.js (the official TypeScript SDK) as a child process.</summary>
internal sealed class NodeWorker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();

    private NodeWorker(Process process) => _process = process;

    public static NodeWorker Start(IReadOnlyDictionary<string, string> env, string taskName, int slots)
    {
        var dir = Path.Combine(RepoRoot(), "tests", "interop", "ts");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "@hatchet-dev", "typescript-sdk")))
        {
            throw new InvalidOperationException($"run 'npm ci' in {dir} first");
        }

        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("bench-worker.js");
        psi.ArgumentList.Add(taskName);
        psi.ArgumentList.Add(slots.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }

        psi.Environment["HATCHET_CLIENT_LOG_LEVEL"] = "ERROR";
        var worker = new NodeWorker(Process.Start(psi) ?? throw new InvalidOperationException("node did not start"));
        _ = worker.ReadAsync();
        return worker;
    }

    public async Task<JsonElement> WaitForAsync(string eventName, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await foreach (var m in _messages.Reader.ReadAllAsync(cts.Token))
        {
            if (m.TryGetProperty("event", out var e) && e.GetString() == eventName)
            {
                return m;
            }

            if (m.TryGetProperty("event", out var err) && err.GetString() == "error")
            {
                throw new InvalidOperationException("TypeScript worker failed: " + m.GetRawText());
            }
        }

        throw new InvalidOperationException($"TypeScript worker exited before '{eventName}'");
    }

    public async Task<JsonElement> ReportAsync()
    {
        await _process.StandardInput.WriteLineAsync("report");
        await _process.StandardInput.FlushAsync();
        return await WaitForAsync("report", TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or IOException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MageFlow.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root");
    }

    private async Task ReadAsync()
    {
        string? line;
        while ((line = await _process.StandardOutput.ReadLineAsync()) is not null)
        {
            if (line.StartsWith('{'))
            {
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    _messages.Writer.TryWrite(doc.RootElement.Clone());
                }
                catch (JsonException)
                {
                }
            }
        }

        _messages.Writer.TryComplete();
    }
}

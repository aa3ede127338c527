using System.Diagnostics;
using System.Text;
using MageFlow.Hatchet.Orchestration.Tests.RootTasks;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.Orchestration.Tests.Chaos;

/// <summary>
/// A CI-sized chaos run (bench/Chaos): the built bench runs as its own process with a fixed seed for about two
/// minutes, one fault of each kind, and its last line must report nothing lost, duplicated, stuck or wrong. The
/// bench starts its own redis-server processes and the TypeScript worker (node): a missing one fails the run.
/// </summary>
public sealed class ChaosBenchTests(ITestOutputHelper log)
{
    private const int Seed = 20261201;
    private const int Flows = 100;

    [Fact]
    public async Task CiSizedChaosRun_EveryFaultFires_NothingLostDuplicatedStuckOrWrong()
    {
        var (exitCode, output) = await RunBenchAsync("chaos", "--seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--minutes", "2", "--flows", Flows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith("chaos: ", StringComparison.Ordinal));
        Assert.True(last is not null, "the bench printed no chaos line:\n" + output);
        log.WriteLine(last);
        var fields = last["chaos: ".Length..].Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);

        Assert.Equal(Flows.ToString(System.Globalization.CultureInfo.InvariantCulture), fields["flows"]);
        Assert.Equal(Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), fields["seed"]);
        foreach (var fault in new[] { "worker_kills", "redis_restarts", "conn_kills", "stalls", "stream_drops", "engine_pauses", "duplicated_events" })
        {
            Assert.True(int.Parse(fields[fault], System.Globalization.CultureInfo.InvariantCulture) >= 1, $"{fault} never fired:\n{output}");
        }

        Assert.Equal(Flows / 10, int.Parse(fields["bad_inputs"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(fields["lost"] == "0" && fields["duplicated_callbacks"] == "0" && fields["stuck"] == "0" && fields["wrong_results"] == "0", last + "\n" + output);
        Assert.Equal(0, exitCode);
    }

    private static async Task<(int ExitCode, string Output)> RunBenchAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(RootWorkerHostProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(BenchAssembly());
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // A hang guard only: the run itself takes about two minutes plus the drain.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(9));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the chaos bench did not finish:\n" + Text(output));
        }

        process.WaitForExit(); // flushes the redirected output
        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>The bench's build output sits under bench/bin with this project's configuration and framework.</summary>
    private static string BenchAssembly()
    {
        var project = Path.Combine(Repo.Root, "tests", typeof(ChaosBenchTests).Assembly.GetName().Name!);
        var relative = Path.GetRelativePath(project, AppContext.BaseDirectory);
        var path = Path.GetFullPath(Path.Combine(Repo.Root, "bench", relative, "mageflow-bench.dll"));
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"the bench is not built at {path}: build the solution (this test project builds it)");
    }
}

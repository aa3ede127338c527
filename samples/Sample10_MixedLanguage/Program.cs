using System.Diagnostics;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// Mixed languages: a C# root task whose children are a TypeScript task ("ts-word-count", served by
// ts-worker.js with the official Hatchet TypeScript SDK, as published to npm). The children are triggered by name; their
// completion counts toward the root swarm through the engine's run events.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var done = new TaskCompletionSource<List<WordCount>>(TaskCreationOptions.RunContinuationsAsynchronously);
var documents = new[] { "hatchet runs tasks", "mageflow adds roots and swarms", "typescript and csharp together" };

var collect = hatchet.Task("collect-counts", (CountsInput input, TaskContext ctx) =>
{
    done.TrySetResult(input.Counts);
    return Task.FromResult(input.Counts.Sum(c => c.Words));
});
var countAll = hatchet.Task("count-all-documents", async (Documents msg, TaskContext ctx) =>
{
    foreach (var text in msg.Texts)
    {
        await hatchet.RunNoWaitAsync("ts-word-count", new { text }); // a plain trigger: captured by the root swarm
    }

    return new { documents = msg.Texts.Count };
}).AsRoot(maxConcurrency: 2);

var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var interop = Path.Combine(root, "tests", "interop", "ts");
if (!Directory.Exists(Path.Combine(interop, "node_modules")))
{
    Console.Error.WriteLine($"Install the TypeScript SDK first: (cd {interop} && npm ci)");
    return 1;
}

var psi = new ProcessStartInfo("node", Path.Combine(AppContext.BaseDirectory, "ts-worker.js")) { WorkingDirectory = interop, RedirectStandardOutput = true };
psi.Environment["HATCHET_CLIENT_TOKEN"] = env.Client.Options.Token;
psi.Environment["HATCHET_CLIENT_HOST_PORT"] = env.Client.Options.HostPort ?? string.Empty;
psi.Environment["HATCHET_CLIENT_TLS_STRATEGY"] = env.Client.Options.TlsStrategy.ToString().ToLowerInvariant();
psi.Environment["NODE_PATH"] = Path.Combine(interop, "node_modules");
psi.Environment["HATCHET_CLIENT_LOG_LEVEL"] = "WARN";
using var tsWorker = Process.Start(psi)!;
Console.WriteLine(await tsWorker.StandardOutput.ReadLineAsync()); // "TypeScript worker ready"

await env.StartWorkerAsync("mixed-language-worker");
await env.MageFlow.RegisterExternalTasksAsync(["ts-word-count"]);
var rootSig = await countAll.SignAsync(successCallbacks: [await collect.SignAsync()]);
await rootSig.RunNoWaitAsync(new Documents(documents));
var counts = await done.Task.WaitAsync(TimeSpan.FromMinutes(1));
foreach (var c in counts)
{
    Console.WriteLine($"{c.Words} words (counted in TypeScript): {c.Text}");
}

tsWorker.Kill();
env.Check(counts.Count == documents.Length && counts.All(c => c.Words == c.Text.Split(' ').Length), "every TypeScript child counted its document, and the C# callback got all counts");
return env.ExitCode;

internal sealed record Documents(IReadOnlyList<string> Texts);

internal sealed record WordCount(string Text, int Words);

internal sealed record CountsInput([property: MageFlow.Hatchet.Orchestration.ReturnValue] List<WordCount> Counts);

using System.Text.Json;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// "Root Tasks with Chains and Swarms": the body runs a chain, an explicit swarm and a single task; all three join
// the root swarm, and the root's callback fires after all of them, with one result each (a chain's last step's
// result, a swarm's list of results, a task's output).
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var done = new TaskCompletionSource<List<JsonElement>>(TaskCreationOptions.RunContinuationsAsynchronously);

var step = hatchet.Task("pipeline-step", (StepInput m, TaskContext ctx) => Task.FromResult(new Counter((m.Previous?.Value ?? m.Value) + 1)));
var work = hatchet.Task("swarm-work", (Counter m, TaskContext ctx) => Task.FromResult(new Counter(m.Value * 10)));
var single = hatchet.Task("single-task", (Counter m, TaskContext ctx) => Task.FromResult(new Counter(-1)));
var report = hatchet.Task("complex-report", (ReportInput input, TaskContext ctx) =>
{
    done.TrySetResult(input.MageflowResults);
    return Task.FromResult(input.MageflowResults.Count);
});
var complexOrchestrator = hatchet.Task("complex-orchestrator", async (Counter msg, TaskContext ctx) =>
{
    var mageflow = MageFlowClient.Current;

    // A chain: tracked by the root swarm.
    var chainSig = await mageflow.ChainAsync([await step.SignAsync(), await step.SignAsync(), await step.SignAsync()]);
    await chainSig.RunNoWaitAsync(msg);

    // An explicit swarm: also tracked by the root swarm.
    var swarmSig = await mageflow.SwarmAsync([await work.SignAsync(), await work.SignAsync()], closed: true);
    await swarmSig.RunNoWaitAsync(msg);

    // An individual task.
    var singleSig = await single.SignAsync();
    await singleSig.RunNoWaitAsync(msg);
    return new { completed = true };
}).AsRoot(maxConcurrency: 10);

await env.StartWorkerAsync("complex-worker");
var root = await complexOrchestrator.SignAsync(successCallbacks: [await report.SignAsync()]);
await root.RunNoWaitAsync(new Counter(1));
var results = await done.Task.WaitAsync(TimeSpan.FromMinutes(1));
Console.WriteLine($"the root's callback got {results.Count} results: {string.Join(", ", results.Select(r => r.GetRawText()))}");
env.Check(results.Count == 3, "one result per captured child: the chain, the swarm and the task");
env.Check(results[0].GetProperty("value").GetInt32() == 4, "the chain's result is its last step's (1 + 1 + 1 + 1)");
env.Check(results[1].ValueKind == JsonValueKind.Array && results[1].GetArrayLength() == 2, "the swarm's result is the list of its two items' results");
env.Check((await root.Flow.WaitAsync()).Status == FlowStatus.Done, "the whole flow is done");
return env.ExitCode;

internal sealed record Counter(int Value);

internal sealed record StepInput(int Value, [property: ReturnValue] Counter? Previous);

internal sealed record ReportInput(List<JsonElement> MageflowResults);

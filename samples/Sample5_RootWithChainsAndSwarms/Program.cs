using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// A root task whose body runs a chain, an explicit swarm and a single task: all three are captured by the
// root swarm, and the root's callback fires after all of them.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

var step = hatchet.Task("pipeline-step", (StepInput m, TaskContext ctx) => Task.FromResult(new Counter((m.Previous?.Value ?? m.Value) + 1)));
var work = hatchet.Task("swarm-work", (Counter m, TaskContext ctx) => Task.FromResult(new Counter(m.Value * 10)));
var single = hatchet.Task("single-task", (Counter m, TaskContext ctx) => Task.FromResult(new Counter(-1)));
var report = hatchet.Task("complex-report", (ReportInput input, TaskContext ctx) =>
{
    done.TrySetResult(input.Results.Count);
    return Task.FromResult(input.Results.Count);
});
var complexOrchestrator = hatchet.Task("complex-orchestrator", async (Counter msg, TaskContext ctx) =>
{
    var mf = env.MageFlow;
    var chain = await mf.ChainAsync([await mf.SignAsync(step), await mf.SignAsync(step), await mf.SignAsync(step)]);
    await chain.RunNoWaitAsync(msg);

    var swarm = await mf.SwarmAsync([await mf.SignAsync(work), await mf.SignAsync(work)], closed: true);
    await swarm.RunNoWaitAsync(msg);

    var sig = await mf.SignAsync(single);
    await sig.RunNoWaitAsync(msg);
    return new { completed = true };
}).AsRoot(maxConcurrency: 10);

await env.StartAsync("complex-worker");
var root = await env.MageFlow.SignAsync(complexOrchestrator, successCallbacks: [await env.MageFlow.SignAsync(report)]);
await root.RunNoWaitAsync(new Counter(1));
Console.WriteLine($"root finished with {await done.Task.WaitAsync(TimeSpan.FromMinutes(1))} captured children (a chain, a swarm, a task)");

internal sealed record Counter(int Value);

internal sealed record StepInput(int Value, [property: ReturnValue] Counter? Previous);

internal sealed record ReportInput([property: ReturnValue] List<System.Text.Json.JsonElement> Results);

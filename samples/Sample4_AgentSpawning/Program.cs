using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// Agent task spawning: an "agent" plans its steps at run time and spawns a task per step (5 at a time).
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var done = new TaskCompletionSource<List<string>>(TaskCreationOptions.RunContinuationsAsynchronously);

var search = hatchet.Task("agent-search", (StepMessage m, TaskContext ctx) => Task.FromResult($"searched: {m.Step}"));
var summarize = hatchet.Task("agent-summarize", (StepMessage m, TaskContext ctx) => Task.FromResult($"summarized: {m.Step}"));
var report = hatchet.Task("agent-report", (ReportInput input, TaskContext ctx) =>
{
    done.TrySetResult(input.Outputs);
    return Task.FromResult(input.Outputs.Count);
});
var agentExecutor = hatchet.Task("agent-executor", async (AgentMessage msg, TaskContext ctx) =>
{
    var plan = msg.Goal.Split(' ').Select((word, i) => (Task: i % 2 == 0 ? (WorkflowDeclarationBase)search : summarize, Step: word)).ToList();
    foreach (var (task, step) in plan)
    {
        var sig = await env.MageFlow.SignAsync(task);
        await sig.RunNoWaitAsync(new StepMessage(step));
    }

    return new { steps_spawned = plan.Count };
}).AsRoot(maxConcurrency: 5);

await env.StartAsync("agent-worker");
var root = await env.MageFlow.SignAsync(agentExecutor, successCallbacks: [await env.MageFlow.SignAsync(report)]);
await root.RunNoWaitAsync(new AgentMessage("find the best way to run orchestrated work on Hatchet from dotnet"));
foreach (var line in await done.Task.WaitAsync(TimeSpan.FromMinutes(1)))
{
    Console.WriteLine(line);
}

internal sealed record AgentMessage(string Goal);

internal sealed record StepMessage(string Step);

internal sealed record ReportInput([property: ReturnValue] List<string> Outputs);

using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// "Agent Task Spawning": an agent plans its steps at run time and spawns a task per step (5 at a time); a report
// callback gets every step's output once all have run.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var done = new TaskCompletionSource<List<string>>(TaskCreationOptions.RunContinuationsAsynchronously);

var search = hatchet.Task("agent-search", (StepMessage m, TaskContext ctx) => Task.FromResult($"searched: {m.Step}"));
var summarize = hatchet.Task("agent-summarize", (StepMessage m, TaskContext ctx) => Task.FromResult($"summarized: {m.Step}"));
var report = hatchet.Task("agent-report", (ReportInput input, TaskContext ctx) =>
{
    done.TrySetResult(input.MageflowResults);
    return Task.FromResult(input.MageflowResults.Count);
});
var agentExecutor = hatchet.Task("agent-executor", async (AgentMessage msg, TaskContext ctx) =>
{
    // The agent decides what tasks to run.
    var plan = GenerateExecutionPlan(msg.Goal);
    foreach (var step in plan)
    {
        WorkflowDeclarationBase taskForStep = step.Length % 2 == 0 ? search : summarize;
        var sig = await taskForStep.SignAsync();
        await sig.RunNoWaitAsync(new StepMessage(step));
    }

    return new { steps_spawned = plan.Count };
}).AsRoot(maxConcurrency: 5);

await env.StartWorkerAsync("agent-worker");
const string Goal = "find the best way to run orchestrated work on Hatchet from dotnet";
var root = await agentExecutor.SignAsync(successCallbacks: [await report.SignAsync()]);
await root.RunNoWaitAsync(new AgentMessage(Goal));
var outputs = await done.Task.WaitAsync(TimeSpan.FromMinutes(1));
foreach (var line in outputs)
{
    Console.WriteLine(line);
}

env.Check(outputs.Count == GenerateExecutionPlan(Goal).Count, $"the report got one output per planned step ({outputs.Count})");
return env.ExitCode;

static List<string> GenerateExecutionPlan(string goal) => [.. goal.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

internal sealed record AgentMessage(string Goal);

internal sealed record StepMessage(string Step);

internal sealed record ReportInput(List<string> MageflowResults);

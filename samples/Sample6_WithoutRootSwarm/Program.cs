using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// "Excluding Tasks from the Root Swarm": inside MageFlowScope.WithoutRootSwarm() a publish runs on its own: outside
// the root's limit, and without holding back the root's callback.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var callback = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
var independentStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var independentRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var independentDone = false;

var tracked = hatchet.Task("tracked-task", (Message m, TaskContext ctx) => Task.FromResult(m.Text.ToUpperInvariant()));
var independent = hatchet.Task("independent-task", async (Message m, TaskContext ctx) =>
{
    independentStarted.TrySetResult();
    await independentRelease.Task.WaitAsync(ctx.CancellationToken); // still running when the callback fires
    independentDone = true;
    return "independent done";
});
var done = hatchet.Task("orchestrator-done", (DoneInput input, TaskContext ctx) =>
{
    callback.TrySetResult(input.MageflowResults.Count);
    return Task.FromResult(0);
});
var orchestrator = hatchet.Task("orchestrator", async (Message m, TaskContext ctx) =>
{
    // This task IS added to the root swarm.
    await (await tracked.SignAsync()).RunNoWaitAsync(m);

    // This task is NOT added to the root swarm.
    using (MageFlowScope.WithoutRootSwarm())
    {
        await (await independent.SignAsync()).RunNoWaitAsync(m);
    }

    // Back to normal: this IS added to the root swarm.
    await (await tracked.SignAsync()).RunNoWaitAsync(m);
    return new { done = true };
}).AsRoot(maxConcurrency: 5);

await env.StartWorkerAsync("scope-worker");
var root = await orchestrator.SignAsync(successCallbacks: [await done.SignAsync()]);
await root.RunNoWaitAsync(new Message("hello"));
await independentStarted.Task.WaitAsync(TimeSpan.FromMinutes(1));
var results = await callback.Task.WaitAsync(TimeSpan.FromMinutes(1));
Console.WriteLine($"the root's callback fired with {results} tracked results while the independent task was still running");
env.Check(results == 2, "only the two tracked tasks count toward the root");
env.Check(!independentDone, "the callback did not wait for the excluded task");
independentRelease.TrySetResult();
return env.ExitCode;

internal sealed record Message(string Text);

internal sealed record DoneInput(List<string> MageflowResults);

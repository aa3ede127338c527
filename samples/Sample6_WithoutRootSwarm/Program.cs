using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// Excluding tasks from the root swarm: the independent task runs outside the limit and does not hold back
// the root's callback.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var callback = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
var independentRelease = new TaskCompletionSource();

var tracked = hatchet.Task("tracked-task", (Message m, TaskContext ctx) => Task.FromResult(m.Text.ToUpperInvariant()));
var independent = hatchet.Task("independent-task", async (Message m, TaskContext ctx) =>
{
    await independentRelease.Task.WaitAsync(ctx.CancellationToken); // still running when the callback fires
    return "independent done";
});
var done = hatchet.Task("orchestrator-done", (DoneInput input, TaskContext ctx) =>
{
    callback.TrySetResult(input.Results.Count);
    return Task.FromResult(0);
});
var orchestrator = hatchet.Task("orchestrator", async (Message m, TaskContext ctx) =>
{
    var mf = env.MageFlow;
    await (await mf.SignAsync(tracked)).RunNoWaitAsync(m);            // joins the root swarm
    using (MageFlowScope.WithoutRootSwarm())
    {
        await (await mf.SignAsync(independent)).RunNoWaitAsync(m);    // runs on its own
    }

    await (await mf.SignAsync(tracked)).RunNoWaitAsync(m);            // joins the root swarm again
    return new { done = true };
}).AsRoot(maxConcurrency: 5);

await env.StartAsync("scope-worker");
var root = await env.MageFlow.SignAsync(orchestrator, successCallbacks: [await env.MageFlow.SignAsync(done)]);
await root.RunNoWaitAsync(new Message("hello"));
Console.WriteLine($"callback fired with {await callback.Task.WaitAsync(TimeSpan.FromMinutes(1))} tracked results while the independent task was still running");
independentRelease.TrySetResult();

internal sealed record Message(string Text);

internal sealed record DoneInput([property: ReturnValue] List<string> Results);

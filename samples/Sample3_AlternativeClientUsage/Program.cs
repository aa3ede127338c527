using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// "Alternative Client Usage": inside a task body MageFlow needs no instance at hand, as the specification's global
// `mageflow` module: MageFlowClient.Current is the MageFlow of the worker running the body (and a declared task signs
// itself with task.SignAsync()).
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;

var childTask = hatchet.Task("child-task", (InputMessage msg, TaskContext ctx) => Task.FromResult(new Echo(msg.Text + "!")));
var myRootTask = hatchet.Task("my-root-task", async (InputMessage msg, TaskContext ctx) =>
{
    var mageflow = MageFlowClient.Current;               // the global module
    var taskSig = await mageflow.SignAsync(childTask);
    await taskSig.RunNoWaitAsync(msg);
    return new { spawned = 1 };
}).AsRoot(maxConcurrency: 10);

await env.StartWorkerAsync("alternative-client-worker");
var root = await myRootTask.SignAsync();
await root.RunNoWaitAsync(new InputMessage("hello"));
var outcome = await root.Flow.WaitAsync().WaitAsync(TimeSpan.FromMinutes(1));
var echoes = outcome.GetResult<List<Echo>>(hatchet.Options.JsonSerializerOptions) ?? [];
Console.WriteLine($"root flow {outcome.Status}; the child signed through MageFlowClient.Current returned \"{echoes.FirstOrDefault()?.Text}\"");
env.Check(outcome.Status == FlowStatus.Done && echoes is [{ Text: "hello!" }], "the child signed without a captured instance joined the root and ran");
return env.ExitCode;

internal sealed record InputMessage(string Text);

internal sealed record Echo(string Text);

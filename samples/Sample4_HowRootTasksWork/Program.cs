using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// "How Root Tasks Work": the body returns at once, but the success callback waits for all 10 children; when a body
// fails, the error callback waits for the children that are still running, and learns the error and how they ended.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var clock = Stopwatch.StartNew();
var events = new ConcurrentQueue<(long At, string What)>();
void Record(string what)
{
    events.Enqueue((clock.ElapsedMilliseconds, what));
    Console.WriteLine($"  [{clock.ElapsedMilliseconds,5} ms] {what}");
}

var completed = new TaskCompletionSource<NotifyInput>(TaskCreationOptions.RunContinuationsAsynchronously);
var handled = new TaskCompletionSource<FailureInput>(TaskCreationOptions.RunContinuationsAsynchronously);

var workerTask = hatchet.Task("worker-task", async (WorkerMessage msg, TaskContext ctx) =>
{
    await Task.Delay(100 + (msg.Index * 20), ctx.CancellationToken);
    Record($"child {msg.Index} finished");
    return new WorkerResult(msg.Index);
});
var notifyCompletion = hatchet.Task("notify-completion", (NotifyInput input, TaskContext ctx) =>
{
    Record($"success callback: {input.Results.Count} results");
    completed.TrySetResult(input);
    return Task.CompletedTask;
});
var handleFailure = hatchet.Task("handle-failure", (FailureInput input, TaskContext ctx) =>
{
    Record($"error callback: {input.Error?.Error}; children {input.Error?.Children}");
    handled.TrySetResult(input);
    return Task.CompletedTask;
});
var orchestrator = hatchet.Task("orchestrator", async (OrchestratorMessage msg, TaskContext ctx) =>
{
    for (var i = 0; i < 10; i++)
    {
        var sig = await workerTask.SignAsync();
        await sig.RunNoWaitAsync(new WorkerMessage(i));
    }

    Record("root body returned (its swarm closes; callbacks wait for the children)");
    return msg.Fail ? throw new InvalidOperationException("the orchestrator gave up") : new { spawned = 10 };
}).AsRoot(maxConcurrency: 5);

await env.StartWorkerAsync("how-root-tasks-work-worker");

Console.WriteLine("A root task that succeeds:");
var rootSig = await env.MageFlow.SignAsync(orchestrator, successCallbacks: [await notifyCompletion.SignAsync()], errorCallbacks: [await handleFailure.SignAsync()]);
await rootSig.RunNoWaitAsync(new OrchestratorMessage(false));
var notified = await completed.Task.WaitAsync(TimeSpan.FromMinutes(1));
var swarmName = (await rootSig.Flow.GetContainerIdAsync()) is { } swarmId ? (await env.MageFlow.GetAsync(swarmId))?.Name : null;
var lastChild = events.Where(e => e.What.StartsWith("child", StringComparison.Ordinal)).Max(e => e.At);
var successAt = events.Single(e => e.What.StartsWith("success", StringComparison.Ordinal)).At;
var returnedAt = events.First(e => e.What.StartsWith("root body", StringComparison.Ordinal)).At;
env.Check(swarmName == "root-swarm:orchestrator", $"the internal swarm is named root-swarm:orchestrator ({swarmName})");
env.Check(returnedAt < lastChild, "the body returned before its children finished");
env.Check(notified.Results.Count == 10 && successAt >= lastChild, "the success callback fired after all 10 children, with their results");

Console.WriteLine("A root task whose body fails while children run:");
events.Clear();
var failing = await env.MageFlow.SignAsync(orchestrator, successCallbacks: [await notifyCompletion.SignAsync()], errorCallbacks: [await handleFailure.SignAsync()]);
await failing.RunNoWaitAsync(new OrchestratorMessage(true));
var failure = await handled.Task.WaitAsync(TimeSpan.FromMinutes(1));
var outcome = await failing.Flow.WaitAsync().WaitAsync(TimeSpan.FromMinutes(1));
var errorAt = events.Single(e => e.What.StartsWith("error", StringComparison.Ordinal)).At;
var childEnds = events.Where(e => e.What.StartsWith("child", StringComparison.Ordinal)).Select(e => e.At).DefaultIfEmpty(0).Max();
env.Check(outcome.Status == FlowStatus.Failed, "the flow failed");
env.Check(errorAt >= childEnds, "the error callback fired after the last running child ended");
env.Check(failure.Error?.Error?.Contains("the orchestrator gave up", StringComparison.Ordinal) == true, "the error callback got the root's error");
env.Check(failure.Error?.Children is { Total: 10 } c && c.Done + c.Failed + c.Canceled == 10, "and how each child ended");
return env.ExitCode;

internal sealed record OrchestratorMessage(bool Fail);

internal sealed record WorkerMessage(int Index);

internal sealed record WorkerResult(int Index);

internal sealed record NotifyInput(List<WorkerResult> MageflowResults)
{
    public List<WorkerResult> Results => MageflowResults;
}

internal sealed record FailureInput(bool Fail, [property: JsonPropertyName("mageflow_error")] RootFailure? Error);

internal sealed record RootFailure(string? Error, ChildCounts Children);

internal sealed record ChildCounts(int Total, int Done, int Failed, int Canceled);

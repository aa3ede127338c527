using System.Text.Json;
using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// "Creating a Root Task": a task registered with AsRoot(maxConcurrency: 4, stopAfterNFailures: 2). Every task its
// body publishes joins the root's internal swarm and runs at most 4 at a time; after 2 failed children the swarm
// stops and the rest never run.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var running = 0;
var peak = 0;

var processItem = hatchet.Task("process-item", async (ItemMessage msg, TaskContext ctx) =>
{
    var now = Interlocked.Increment(ref running);
    InterlockedMax(ref peak, now);
    try
    {
        await Task.Delay(50, ctx.CancellationToken);
        return msg.Data.StartsWith("bad", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"cannot process {msg.Data}")
            : new ItemResult(msg.Data.ToUpperInvariant());
    }
    finally
    {
        Interlocked.Decrement(ref running);
    }
});

var processBatch = hatchet.Task("process-batch", async (BatchMessage msg, TaskContext ctx) =>
{
    // All tasks published here are added to the internal swarm.
    foreach (var item in msg.Items)
    {
        var taskSig = await processItem.SignAsync();
        await taskSig.RunNoWaitAsync(new ItemMessage(item));
    }

    return new { processed = msg.Items.Count };
}).AsRoot(maxConcurrency: 4, stopAfterNFailures: 2);

await env.StartWorkerAsync("creating-root-task-worker");

Console.WriteLine("A batch of 12 good items:");
var good = await processBatch.SignAsync();
await good.RunNoWaitAsync(new BatchMessage([.. Enumerable.Range(1, 12).Select(i => $"item-{i}")]));
var outcome = await good.Flow.WaitAsync().WaitAsync(TimeSpan.FromMinutes(1));
var results = outcome.GetResult<List<ItemResult>>(hatchet.Options.JsonSerializerOptions) ?? [];
Console.WriteLine($"  flow {outcome.Status}: {outcome.Counts.Done} done, at most {peak} running at once");
env.Check(outcome.Status == FlowStatus.Done && results.Count == 12, "every child ran and the flow is done with 12 results");
env.Check(peak is > 0 and <= 4, $"never more than maxConcurrency (4) children at once (peak {peak})");

Console.WriteLine("A batch whose first items fail (stopAfterNFailures: 2):");
var bad = await processBatch.SignAsync();
await bad.RunNoWaitAsync(new BatchMessage(["bad-1", "bad-2", .. Enumerable.Range(1, 10).Select(i => $"item-{i}")]));
var failed = await bad.Flow.WaitAsync().WaitAsync(TimeSpan.FromMinutes(1));
Console.WriteLine($"  flow {failed.Status}: {failed.Error}; {failed.Counts.Failed} failed, {failed.Counts.Canceled} canceled, {failed.Counts.Done} done");
env.Check(failed.Status == FlowStatus.Failed && failed.Counts.Failed == 2, "the root failed after 2 failed children");
env.Check(failed.Counts.Canceled > 0, "the children still queued when it stopped never ran");
return env.ExitCode;

static void InterlockedMax(ref int target, int value)
{
    var seen = Volatile.Read(ref target);
    while (value > seen && Interlocked.CompareExchange(ref target, value, seen) != seen)
    {
        seen = Volatile.Read(ref target);
    }
}

internal sealed record BatchMessage(IReadOnlyList<string> Items);

internal sealed record ItemMessage(string Data);

internal sealed record ItemResult(string Data);

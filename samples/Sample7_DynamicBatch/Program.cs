using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// "Dynamic Batch Processing": the root task finds its items at run time (here: a fake query) and spawns one task per
// item, 20 at a time, stopping after 5 failures. A notification callback fires once every item is done.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

var processItem = hatchet.Task("process-item", (ItemMessage msg, TaskContext ctx) => Task.FromResult(new ItemResult(msg.Id, true)));
var sendCompletionNotification = hatchet.Task("send-completion-notification", (NotifyInput input, TaskContext ctx) =>
{
    Console.WriteLine($"notification: {input.MageflowResults.Count} items processed");
    done.TrySetResult(input.MageflowResults.Count(r => r.Ok));
    return Task.FromResult(new { sent = true });
});
var processQueryResults = hatchet.Task("process-query-results", async (QueryMessage msg, TaskContext ctx) =>
{
    // Fetch items dynamically, then spawn a task for each.
    var items = FetchItemsFromDatabase(msg.Query);
    foreach (var id in items)
    {
        var sig = await processItem.SignAsync();
        await sig.RunNoWaitAsync(new ItemMessage(id));
    }

    return new { total_items = items.Count };
}).AsRoot(maxConcurrency: 20, stopAfterNFailures: 5);

await env.StartWorkerAsync("batch-worker");
var expected = FetchItemsFromDatabase("SELECT * FROM items").Count;
var notify = await sendCompletionNotification.SignAsync();
var root = await processQueryResults.SignAsync(successCallbacks: [notify]);
await root.RunNoWaitAsync(new QueryMessage("SELECT * FROM items"));
var processed = await done.Task.WaitAsync(TimeSpan.FromMinutes(1));
env.Check(processed == expected, $"the notification came once all {expected} items (found at run time) were processed");
return env.ExitCode;

static List<int> FetchItemsFromDatabase(string query) => Enumerable.Range(1, 25 + (query.Length % 10)).ToList();

internal sealed record QueryMessage(string Query);

internal sealed record ItemMessage(int Id);

internal sealed record ItemResult(int Id, bool Ok);

internal sealed record NotifyInput(List<ItemResult> MageflowResults);

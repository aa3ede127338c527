using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Samples;
using MageFlow.Hatchet.Tasks;

// Dynamic batch processing: the root task finds its items at run time (here: a fake query) and spawns one
// task per item; it stops after 5 failures. A notification callback fires once every item is done.
await using var env = await SampleEnvironment.CreateAsync();
var hatchet = env.Client;
var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

var processItem = hatchet.Task("process-item", (ItemMessage msg, TaskContext ctx) => Task.FromResult(new { id = msg.Id, ok = true }));
var notify = hatchet.Task("send-completion-notification", (NotifyInput input, TaskContext ctx) =>
{
    Console.WriteLine($"notification: {input.Results.Count} items processed");
    done.TrySetResult(input.Results.Count);
    return Task.FromResult(new { sent = true });
});
var processQueryResults = hatchet.Task("process-query-results", async (QueryMessage msg, TaskContext ctx) =>
{
    var items = FetchItemsFromDatabase(msg.Query);
    foreach (var id in items)
    {
        var sig = await env.MageFlow.SignAsync(processItem);
        await sig.RunNoWaitAsync(new ItemMessage(id));
    }

    return new { total_items = items.Count };
}).AsRoot(maxConcurrency: 20, stopAfterNFailures: 5);

await env.StartAsync("batch-worker");
var notification = await env.MageFlow.SignAsync(notify);
var root = await env.MageFlow.SignAsync(processQueryResults, successCallbacks: [notification]);
await root.RunNoWaitAsync(new QueryMessage("SELECT * FROM items"));
Console.WriteLine($"done: {await done.Task.WaitAsync(TimeSpan.FromMinutes(1))} items");

static List<int> FetchItemsFromDatabase(string query) => Enumerable.Range(1, 25 + (query.Length % 10)).ToList();

internal sealed record QueryMessage(string Query);

internal sealed record ItemMessage(int Id);

internal sealed record NotifyInput([property: ReturnValue] List<System.Text.Json.JsonElement> Results);

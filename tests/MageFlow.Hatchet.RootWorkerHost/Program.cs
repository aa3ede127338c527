using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MageFlow.Hatchet;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Worker;
using StackExchange.Redis;

// A worker process for the root-task kill test (tests/MageFlow.Hatchet.Orchestration.Tests/RootTasks/RootTaskKillTests.cs).
//
// Usage: MageFlow.Hatchet.RootWorkerHost <key prefix> [max concurrency (default 3)]
//
// Reads HATCHET_CLIENT_* and REDIS_URL from the environment and attaches MageFlow on <key prefix> with short
// leases (OwnerLeaseTimeout 3 s, SweepInterval 500 ms), so a second process takes over quickly after a kill -9.
// Task names start with the key prefix (unique per test):
//   <prefix>-root      {count}                     root task (AsRoot(max concurrency)): spawns <count> children,
//                                                  even ones signed with MageFlow, odd ones as plain SDK triggers
//   <prefix>-child     {n}                         records its start, waits for the release flag, records its end,
//                                                  returns {n, pid}
//   <prefix>-callback  {mageflow_results: [...]}   records the list of results it received
// What a test observes lives under "roothost:<prefix>:" (outside MageFlow's keys, so it never looks unclean):
//   started:<n>, done:<n>, callback   counters          callback-results   the JSON lists the callback received
//   release                           the flag the test sets (then it publishes on the "release" channel)
//   events (channel)                  "started:<n>", "done:<n>", "callback" as they happen
// Prints "ready" once the worker listens, then runs until killed (or until its standard input closes).
// Usage: MageFlow.Hatchet.RootWorkerHost durable <prefix>   (see DurableHost.cs)
if (args is ["durable", var durablePrefix])
{
    return await DurableHost.RunAsync(durablePrefix);
}

if (args.Length is < 1 or > 2 || (args.Length == 2 && !int.TryParse(args[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
{
    await Console.Error.WriteLineAsync("usage: MageFlow.Hatchet.RootWorkerHost <key prefix> [max concurrency]");
    return 2;
}

var prefix = args[0];
var maxConcurrency = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var marks = "roothost:" + prefix + ":";
var markTtl = TimeSpan.FromMinutes(10);
var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
MageFlowClient? mageflow = null;

await using var client = HatchetClient.Create(HatchetClientOptions.FromEnvironment());

var child = client.Task<ChildIn, ChildOut>(prefix + "-child", async (input, ctx) =>
{
    await MarkAsync("started:" + input.N);
    if (!await mageflow!.Redis.GetDatabase().KeyExistsAsync(marks + "release"))
    {
        await released.Task.WaitAsync(ctx.CancellationToken);
    }

    await MarkAsync("done:" + input.N);
    return new ChildOut(input.N, Environment.ProcessId);
});

client.Task<RootIn, RootOut>(prefix + "-root", async (input, ctx) =>
{
    for (var n = 0; n < input.Count; n++)
    {
        if (n % 2 == 0)
        {
            var signature = await mageflow!.SignAsync(child, cancellationToken: ctx.CancellationToken);
            await signature.RunNoWaitAsync(new ChildIn(n), ctx.CancellationToken);
        }
        else
        {
            await child.RunNoWaitAsync(new ChildIn(n), cancellationToken: ctx.CancellationToken);
        }
    }

    return new RootOut(input.Count);
}).AsRoot(maxConcurrency);

client.Task<CallbackIn, int>(prefix + "-callback", async (input, _) =>
{
    var db = mageflow!.Redis.GetDatabase();
    await db.ListRightPushAsync(marks + "callback-results", JsonSerializer.Serialize(input.Results));
    await db.KeyExpireAsync(marks + "callback-results", markTtl);
    await MarkAsync("callback");
    return input.Results?.Count ?? -1;
});

await using var mf = mageflow = await MageFlowClient.AttachAsync(client, new MageFlowOptions
{
    KeyPrefix = prefix,
    OwnerLeaseTimeout = TimeSpan.FromSeconds(3),
    SweepInterval = TimeSpan.FromMilliseconds(500),
    Ttl = new TtlOptions(TimeSpan.FromHours(1), TimeSpan.FromSeconds(60)),
});

// Subscribed before the worker starts, so no release is missed; the flag covers a release published earlier.
await mf.Redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(marks + "release"), (_, _) => released.TrySetResult());

await using var worker = client.Worker(new HatchetWorkerOptions($"{prefix}-host-{Environment.ProcessId}")
{
    Slots = 20,
    HeartbeatInterval = TimeSpan.FromSeconds(1),
});
await worker.StartAsync();
Console.WriteLine("ready");

// Killed by the test; a closed standard input (the test process is gone) ends it too.
await Console.In.ReadToEndAsync();
return 0;

async Task MarkAsync(string what)
{
    var redis = mageflow!.Redis;
    var db = redis.GetDatabase();
    await db.StringIncrementAsync(marks + what);
    await db.KeyExpireAsync(marks + what, markTtl);
    await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(marks + "events"), what);
}

internal sealed record RootIn(int Count);

internal sealed record RootOut(int Spawned);

internal sealed record ChildIn(int N);

internal sealed record ChildOut(int N, int Pid);

internal sealed record CallbackIn([property: JsonPropertyName("mageflow_results")] List<JsonElement>? Results);

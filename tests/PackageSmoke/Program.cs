using MageFlow.Hatchet;
using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Tasks;

// Package smoke test: the packed MageFlow.Hatchet, MageFlow.Hatchet.DevEngine and MageFlow.Hatchet.Orchestration
// packages, used as a user would, run a C# task end to end on an in-process dev engine. Exit code 0 only if it worked.
var timeout = TimeSpan.FromMinutes(1);
await using var engine = await HatchetDevEngine.StartAsync();
await using var hatchet = await HatchetClient.ConnectAsync(HatchetClientOptions.FromEnvironment(engine.ClientEnvironment));
await using var mageflow = await MageFlowClient.AttachAsync(hatchet, new MageFlowOptions { KeyPrefix = "package-smoke-" + Guid.NewGuid().ToString("N")[..8] });

var add = hatchet.Task("smoke-add", (AddInput input, TaskContext ctx) => Task.FromResult(new AddOutput(input.A + input.B)));
var fanOut = hatchet.Task("smoke-fan-out", async (FanOutInput input, TaskContext ctx) =>
{
    for (var i = 0; i < input.Children; i++)
    {
        var child = await add.SignAsync();
        await child.RunNoWaitAsync(new AddInput(i, 1));
    }

    return new FanOutOutput(input.Children);
}).AsRoot(maxConcurrency: 2);

await using var worker = hatchet.Worker("package-smoke-worker", slots: 10);
await worker.StartAsync();

var failures = 0;
void Check(bool holds, string what)
{
    Console.WriteLine($"{(holds ? "ok" : "FAILED")}: {what}");
    failures += holds ? 0 : 1;
}

var sum = await add.RunAsync(new AddInput(40, 2)).WaitAsync(timeout);
Check(sum.Sum == 42, $"MageFlow.Hatchet task ran on the MageFlow.Hatchet.DevEngine engine {engine.HostPort} (40 + 2 = {sum.Sum})");

var root = await fanOut.SignAsync();
await root.RunNoWaitAsync(new FanOutInput(3));
var flow = await root.Flow.WaitAsync().WaitAsync(timeout);
Check(flow.Status == FlowStatus.Done && flow.Counts.Done == 3, $"MageFlow.Hatchet.Orchestration root task ran its 3 children ({flow.Status}, {flow.Counts.Done} done)");

await worker.StopAsync();
Console.WriteLine(failures == 0 ? "package smoke test passed" : $"package smoke test FAILED ({failures} check(s))");
return failures == 0 ? 0 : 1;

internal sealed record AddInput(int A, int B);

internal sealed record AddOutput(int Sum);

internal sealed record FanOutInput(int Children);

internal sealed record FanOutOutput(int Children);

using MageFlow.Hatchet;
using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.Signatures;
using System.Diagnostics;
using MageFlow.Hatchet.Extensions.Hosting;
using MageFlow.Hatchet.Extensions.OpenTelemetry;
using MageFlow.Hatchet.Orchestration.Extensions.Hosting;
using MageFlow.Hatchet.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

// Package smoke test: the packed MageFlow.Hatchet, MageFlow.Hatchet.DevEngine, MageFlow.Hatchet.Orchestration and the
// hosting and OpenTelemetry packages, used as a user would, run C# tasks end to end on an in-process dev engine, directly and through
// a Generic Host. Exit code 0 only if it worked.
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

// The OpenTelemetry package: the SDK's spans reach an exporter through AddMageflowInstrumentation.
var spans = new List<Activity>();
AddOutput sum;
using (Sdk.CreateTracerProviderBuilder().AddMageflowInstrumentation().AddInMemoryExporter(spans).Build())
{
    sum = await add.RunAsync(new AddInput(40, 2)).WaitAsync(timeout);
}

Check(
    spans.Any(s => s.DisplayName == "hatchet.run_workflow") && spans.Any(s => s.DisplayName == "hatchet.start_step_run"),
    $"MageFlow.Hatchet.Extensions.OpenTelemetry exported the trigger and task spans ({string.Join(", ", spans.Select(s => s.DisplayName).Distinct())})");
Check(sum.Sum == 42, $"MageFlow.Hatchet task ran on the MageFlow.Hatchet.DevEngine engine {engine.HostPort} (40 + 2 = {sum.Sum})");

var root = await fanOut.SignAsync();
await root.RunNoWaitAsync(new FanOutInput(3));
var flow = await root.Flow.WaitAsync().WaitAsync(timeout);
Check(flow.Status == FlowStatus.Done && flow.Counts.Done == 3, $"MageFlow.Hatchet.Orchestration root task ran its 3 children ({flow.Status}, {flow.Counts.Done} done)");

await worker.StopAsync();

// The hosting packages: options from configuration, a DI handler on a hosted worker, MageFlow and health checks.
var builder = Host.CreateApplicationBuilder();
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Hatchet:Token"] = engine.Token,
    ["Hatchet:HostPort"] = engine.HostPort,
    ["Hatchet:TlsStrategy"] = "none",
    ["Hatchet:ServerUrl"] = engine.ServerUrl.ToString().TrimEnd('/'),
});
builder.Services.AddHatchet();
builder.Services.AddMageFlow(o => o.KeyPrefix = "package-smoke-hosted-" + Guid.NewGuid().ToString("N")[..8]);
builder.Services.AddHatchetWorker("package-smoke-hosted", w => w.AddTask<Doubler>("smoke-double"));
builder.Services.AddHealthChecks().AddHatchetWorkers().AddMageFlowRedis();
var host = builder.Build();
try
{
    await host.StartAsync();
    var doubled = await host.Services.GetRequiredService<HatchetClient>().RunAsync<AddOutput>("smoke-double", new AddInput(21, 0)).WaitAsync(timeout);
    Check(doubled.Sum == 42, $"MageFlow.Hatchet.Extensions.Hosting ran a DI handler on a hosted worker (21 * 2 = {doubled.Sum})");
    var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    Check(health.Status == HealthStatus.Healthy, $"health checks of both hosting packages report {health.Status}");
    await host.StopAsync();
}
finally
{
    // HatchetClient is only asynchronously disposable, so the host must be disposed asynchronously too.
    await ((IAsyncDisposable)host).DisposeAsync();
}

Console.WriteLine(failures == 0 ? "package smoke test passed" : $"package smoke test FAILED ({failures} check(s))");
return failures == 0 ? 0 : 1;

internal sealed record AddInput(int A, int B);

internal sealed class Doubler : IHatchetTask<AddInput, AddOutput>
{
    public Task<AddOutput> RunAsync(AddInput input, TaskContext context) => Task.FromResult(new AddOutput(input.A * 2));
}

internal sealed record AddOutput(int Sum);

internal sealed record FanOutInput(int Children);

internal sealed record FanOutOutput(int Children);

using MageFlow.Hatchet.DevEngine;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Orchestration.Extensions.Hosting;
using MageFlow.Hatchet.Samples.WorkerService;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// "Worker Service": a Generic Host that runs a Hatchet worker with MageFlow, configured from appsettings.json (plus user
// secrets, environment variables and HATCHET_CLIENT_*). Handlers are classes from DI with a scope per run. A driver runs
// one root task that fans out to children, waits for the root's success callback, checks it, and stops the host, which
// drains the worker. The process exits 0 only if every check held.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Local development: with no token configured anywhere, run an in-process dev engine and point the Hatchet section at it.
await using var engine = await StartDevEngineIfNeededAsync(builder.Configuration);

builder.Services.AddHatchet();
builder.Services.AddMageFlow();
builder.Services.AddHatchetWorker(Names.Worker, worker => worker
    .AddTask<ProcessItem>(Names.ProcessItem)
    .AddRootTask<ProcessBatch>(Names.ProcessBatch, new SwarmConfig(MaxConcurrency: 4))
    .AddTask<BatchDone>(Names.BatchDone));
builder.Services.AddHealthChecks().AddHatchetWorkers().AddMageFlowRedis();

builder.Services.AddScoped<ItemFormatter>();
builder.Services.AddSingleton<BatchCompletion>();
var outcome = new SampleOutcome();
builder.Services.AddSingleton(outcome);
builder.Services.AddHostedService<BatchDriver>();

await builder.Build().RunAsync();
Console.WriteLine(outcome.ExitCode == 0 ? "every check held" : $"{outcome.Failures} check(s) failed");
return outcome.ExitCode;

static async Task<HatchetDevEngine?> StartDevEngineIfNeededAsync(ConfigurationManager configuration)
{
    var configured = configuration["Hatchet:Token"] is not null || Environment.GetEnvironmentVariable("HATCHET_CLIENT_TOKEN") is not null;
    if (configured || !configuration.GetValue<bool>("Sample:UseDevEngine"))
    {
        return null;
    }

    var engine = await HatchetDevEngine.StartAsync();
    configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Hatchet:Token"] = engine.Token,
        ["Hatchet:HostPort"] = engine.HostPort,
        ["Hatchet:TlsStrategy"] = "none",
        ["Hatchet:ServerUrl"] = engine.ServerUrl.ToString().TrimEnd('/'),
    });
    Console.WriteLine($"(no Hatchet token configured: using an in-process Hatchet dev engine at {engine.HostPort})");
    return engine;
}

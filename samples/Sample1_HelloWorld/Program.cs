using MageFlow.Hatchet;
using MageFlow.Hatchet.DevEngine;

// Sample 1: declare a task, run a worker, trigger a run and await its result.
// With HATCHET_CLIENT_TOKEN set it talks to that engine; otherwise it starts an in-process dev engine.
await using var engine = Environment.GetEnvironmentVariable("HATCHET_CLIENT_TOKEN") is null ? await HatchetDevEngine.StartAsync() : null;
var options = engine is null ? HatchetClientOptions.FromEnvironment() : HatchetClientOptions.FromEnvironment(engine.ClientEnvironment);
await using var hatchet = await HatchetClient.ConnectAsync(options);

var greet = hatchet.Task<GreetInput, GreetOutput>("greet", async (input, ctx) =>
{
    await ctx.LogAsync($"greeting {input.Name}", cancellationToken: ctx.CancellationToken);
    return new GreetOutput($"Hello, {input.Name}!");
});

await using var worker = hatchet.Worker("hello-worker", slots: 10);
var greeting = string.Empty;
await worker.ExecuteAsync(async () =>
{
    var output = await greet.RunAsync(new GreetInput("world"));
    Console.WriteLine(output.Greeting);
    greeting = output.Greeting;
});

// Samples double as checks: CI runs each one, and a sample exits 0 only if it saw what it shows.
return greeting == "Hello, world!" ? 0 : 1;

internal sealed record GreetInput(string Name);

internal sealed record GreetOutput(string Greeting);

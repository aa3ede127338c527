namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

/// <summary>Handler classes resolved from DI run in a scope of their own, disposed when the run ends; lambdas still work.</summary>
[Collection(HostingCollection.Name)]
public sealed class ScopedHandlerTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task TypedHandler_GetsANewScopePerRun_DisposedBeforeTheRunReportsItsEnd()
    {
        var echo = Names.Unique("echo");
        var lambda = Names.Unique("lambda");
        var worker = Names.Unique("scoped-worker");
        var builder = TestHosts.ForEngine(fixture.Engine);
        builder.Services.AddSingleton<ScopeTracker>();
        builder.Services.AddScoped<RunScope>();
        builder.Services.AddHatchetWorker(worker, w => w
            .AddTask<ScopedEcho>(echo)
            .AddTask(lambda, (In input, TaskContext _) => Task.FromResult(new Out(input.N * 2))));
        await using var host = builder.BuildTestHost();
        await host.StartAsync();
        var hatchet = host.Services.GetRequiredService<HatchetClient>();
        var tracker = host.Services.GetRequiredService<ScopeTracker>();

        var first = await RunAsync(hatchet, echo, 1);
        var second = await RunAsync(hatchet, echo, 2);

        Assert.NotEqual(first.Scope, second.Scope);
        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Equal([first.Scope, second.Scope], tracker.Created.Select(s => s.Id));
        Assert.Equal([first.Scope, second.Scope], tracker.Disposed.Select(s => s.Id));
        Assert.Equal(new Out(6), await RunAsync(hatchet, lambda, 3));
        await host.StopAsync();
    }

    private static async Task<Out> RunAsync(HatchetClient hatchet, string task, int n)
    {
        var run = await hatchet.FindWorkflow(task)!.RunNoWaitAsync(new In(n));
        return await run.ResultAsync<Out>().WaitAsync(Wait);
    }
}

using MageFlow.Hatchet.Worker;

namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

/// <summary>The host's shutdown drains a hosted worker: it pauses, lets running tasks finish within the host's shutdown
/// timeout, and cancels them after it.</summary>
[Collection(HostingCollection.Name)]
public sealed class DrainTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task HostStop_PausesThenWaitsForTheRunningTask_WhichCompletes()
    {
        var task = Names.Unique("gated");
        var worker = Names.Unique("drain-worker");
        using var gate = new Gate();
        var builder = TestHosts.ForEngine(fixture.Engine);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Wait);
        builder.Services.AddSingleton(gate);
        builder.Services.AddHatchetWorker(worker, w => w.AddTask<Gated>(task));
        await using var host = builder.BuildTestHost();
        await host.StartAsync();
        var run = await host.Services.GetRequiredService<HatchetClient>().FindWorkflow(task)!.RunNoWaitAsync(new In(7));
        await gate.ArrivalsAsync(1);

        var stopping = host.StopAsync();
        var hosted = host.WorkerService(worker).Worker!;
        await WaitUntilAsync(() => hosted.State != HatchetWorkerState.Running);
        Assert.False(hosted.IsListening);
        Assert.False(stopping.IsCompleted, "the host stopped while a task was still running");

        gate.Release(1);
        await stopping.WaitAsync(Wait);
        Assert.Equal(new Out(7), await run.ResultAsync<Out>().WaitAsync(Wait));
        Assert.Equal(HatchetWorkerState.Stopped, hosted.State);
    }

    [Fact]
    public async Task HostStop_CancelsATaskThatOutlastsTheShutdownTimeout()
    {
        var task = Names.Unique("stuck");
        var worker = Names.Unique("cancel-worker");
        var probe = new StuckProbe();
        var builder = TestHosts.ForEngine(fixture.Engine);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.AddSingleton(probe);
        builder.Services.AddHatchetWorker(worker, w => w.AddTask<Stuck>(task));
        await using var host = builder.BuildTestHost();
        await host.StartAsync();
        await host.Services.GetRequiredService<HatchetClient>().FindWorkflow(task)!.RunNoWaitAsync(new In(1));
        await probe.Started.Task.WaitAsync(Wait);

        await host.StopAsync().WaitAsync(Wait);
        await probe.Cancelled.Task.WaitAsync(Wait);
        Assert.Equal(HatchetWorkerState.Stopped, host.WorkerService(worker).Worker!.State);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}

using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Tests;

/// <summary>
/// A normal stop is not an incident: operators alert on warnings, so stopping a worker, a client and an engine the
/// ordinary way must log nothing at Warning or above (gRPC's own "call failed: Cancelled" lines included).
/// </summary>
public sealed class ShutdownLoggingTests
{
    public sealed record In(int N);

    public sealed record Out(int N);

    [Fact]
    public async Task StopAndDispose_AfterATaskRan_LogsNothingAtWarningOrAbove()
    {
        var logs = new CapturingLoggerFactory();
        var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { LoggerFactory = logs });
        var options = HatchetClientOptions.FromEnvironment(engine.ClientEnvironment);
        options.LoggerFactory = logs;
        var client = HatchetClient.Create(options);
        var task = client.Task<In, Out>(Names.Unique("quiet"), (i, _) => Task.FromResult(new Out(i.N + 1)));
        var worker = client.Worker(Names.Unique("w"), slots: 2);
        await worker.StartAsync().WaitAsync(Wait);

        var output = await task.RunAsync(new In(41)).WaitAsync(Wait);

        Assert.Equal(42, output.N);
        await worker.StopAsync().WaitAsync(Wait);
        await worker.DisposeAsync();
        await client.DisposeAsync();
        await engine.DisposeAsync();
        var loud = logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name}").ToArray();
        Assert.True(loud.Length == 0, "a normal shutdown logged:\n" + string.Join("\n", loud));

        // gRPC reports the streams the SDK cancels on stop as failed calls; those belong at Debug, not Information.
        var ownCancellations = logs.Entries.Where(e => e.Level > LogLevel.Debug && e.EventName == "GrpcStatusError" && e.Message.Contains("Cancelled", StringComparison.Ordinal)).ToArray();
        Assert.True(ownCancellations.Length == 0, "a normal shutdown reported cancelled calls:\n" + string.Join("\n", ownCancellations.Select(e => e.Message)));
    }
}

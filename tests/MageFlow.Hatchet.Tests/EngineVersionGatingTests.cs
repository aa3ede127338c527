using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Tests;

/// <summary>Options that need an engine newer than v0.104.7 are refused against an older one, which would drop them
/// silently, and sent to a newer one.</summary>
public sealed class EngineVersionGatingTests
{
    public sealed record In(int N);

    [Fact]
    public async Task NewerConcurrencyOptions_OnEngineV0_104_7_RefusedBeforePutWorkflowNamingEachOption()
    {
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { EngineVersion = "v0.104.7" });
        await using var h = new HatchetHarness(engine);
        var task = h.Client.Task<In>(
            Names.Unique("scoped"),
            (_, _) => Task.CompletedTask,
            new TaskOptions { Concurrency = { new ConcurrencyLimit("input.n", 2, ConcurrencyLimitStrategy.CancelQueuedExceptNewest) { Name = "per-n", IsTenantScoped = true } } });

        var e = await Assert.ThrowsAsync<HatchetConfigurationException>(() => h.StartWorkerAsync(slots: 2));

        Assert.Contains($"workflow '{task.WorkflowName}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("reports 'v0.104.7'", e.Message, StringComparison.Ordinal);
        Assert.Contains("concurrency Name", e.Message, StringComparison.Ordinal);
        Assert.Contains("concurrency IsTenantScoped", e.Message, StringComparison.Ordinal);
        Assert.Contains("concurrency Strategy = CancelQueuedExceptNewest", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.Counters.RunsCreated);
    }

    [Fact]
    public async Task NewerConcurrencyOptions_OnNewerEngine_AreSentToIt()
    {
        // The dev engine (reporting a newer version here) does not implement max_runs_expression and says so: that
        // answer proves the SDK sent the field instead of refusing it.
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { EngineVersion = "v0.105.0" });
        await using var h = new HatchetHarness(engine);
        h.Client.Task<In>(
            Names.Unique("expr"),
            (_, _) => Task.CompletedTask,
            new TaskOptions { Concurrency = { new ConcurrencyLimit("input.n") { MaxRunsExpression = "input.n + 1" } } });

        var e = await Assert.ThrowsAsync<HatchetRpcException>(() => h.StartWorkerAsync(slots: 2));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("max_runs_expression", e.Message, StringComparison.Ordinal);
        Assert.Equal("v0.105.0", await h.Client.GetEngineVersionAsync());
    }

    [Fact]
    public async Task PlainConcurrencyLimit_OnEngineV0_104_7_RegistersAndRuns()
    {
        await using var engine = await HatchetDevEngine.StartAsync(new DevEngineOptions { EngineVersion = "v0.104.7" });
        await using var h = new HatchetHarness(engine);
        var task = h.Client.Task<In, int>(
            Names.Unique("plain"),
            (input, _) => Task.FromResult(input.N),
            new TaskOptions { Concurrency = { new ConcurrencyLimit("input.n", 1, ConcurrencyLimitStrategy.CancelNewest) } });
        await h.StartWorkerAsync(slots: 2);

        Assert.Equal(5, await task.RunAsync(new In(5)).WaitAsync(Wait));
    }
}

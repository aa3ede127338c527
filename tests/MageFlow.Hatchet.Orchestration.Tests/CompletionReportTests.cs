using System.Text.Json;
using MageFlow.Hatchet.Orchestration.State.Scripts;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// A signature run's end is reported twice: by the C# worker that ran it (at once, for a single-task run) and by
/// the engine's run event (to the run's tracker). Whichever comes first records it; the other changes nothing.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class CompletionReportTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task WorkerReport_ThenEngineReport_SecondChangesNothing()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("item", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var (cb, calls) = h.Recorder<ResultIn, Out>("cb", new Out(0));
        var mf = await h.StartAsync(slots: 10);

        var callback = await mf.SignAsync(cb);
        var sig = await mf.SignAsync(item, new { n = 1 }, successCallbacks: [callback]);
        await sig.RunNoWaitAsync();
        Assert.Equal(new Out(2), await sig.ResultAsync<Out>().WaitAsync(Wait));
        await callback.ResultAsync<Out>().WaitAsync(Wait);

        var db = h.Db;
        string runId = (await db.HashGetAsync(h.Keys.Signature(sig.Id), "run"))!;
        var before = await db.HashGetAllAsync(h.Keys.Signature(sig.Id));

        // The run's tracker no longer has it, so the engine's report (however late) is ignored...
        Assert.Equal(("untracked", 0), await ReportAsync(mf, "engine", runId, sig.Id, "1", "{\"value\":99}"));
        Assert.Equal(("untracked", 0), await ReportAsync(mf, "engine", runId, sig.Id, "0", "late failure"));

        // ...and a repeated worker report finds the signature finished.
        Assert.Equal(("dup", 0), await ReportAsync(mf, "worker", runId, sig.Id, "1", "{\"value\":99}"));

        Assert.Equal(Sorted(before), Sorted(await db.HashGetAllAsync(h.Keys.Signature(sig.Id))));
        Assert.Equal(new Out(2), await sig.ResultAsync<Out>().WaitAsync(Wait));
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task EngineReport_ThenWorkerReport_SecondChangesNothing()
    {
        await using var h = fixture.Flow();
        using var gate = new Gate();
        var item = h.Task("item", gate.Passing<In, Out>(i => new Out(i.N + 1)));
        var mf = await h.StartAsync(slots: 10);

        var sig = await mf.SignAsync(item, new { n = 1 });
        await sig.RunNoWaitAsync();
        await gate.ArrivalsAsync(1);

        // While the body waits, the engine's event "arrives" first (as if the worker had died after finishing).
        var db = h.Db;
        string runId = (await db.HashGetAsync(h.Keys.Signature(sig.Id), "run"))!;
        string owner = (await db.HashGetAsync(h.Keys.Signature(sig.Id), "owner"))!;
        Assert.Equal(mf.OwnerId, owner);
        Assert.Equal(("ok", 0), await ReportAsync(mf, "engine", runId, sig.Id, "1", "{\"value\":7}"));
        Assert.Equal(new Out(7), await sig.ResultAsync<Out>().WaitAsync(Wait));

        // The body then returns: its worker's report (and any repeat of it) changes nothing; the first result stands.
        gate.Open();
        await h.Client.Runs.WaitAsync(runId).WaitAsync(Wait);
        Assert.Equal(("dup", 0), await ReportAsync(mf, "worker", runId, sig.Id, "1", "{\"value\":2}"));
        Assert.Equal(new Out(7), await sig.ResultAsync<Out>().WaitAsync(Wait));
        Assert.Equal(SignatureStatus.Done, await sig.GetStatusAsync());
        await h.AssertRedisCleanAsync();
    }

    [Fact]
    public async Task TaskRunByWorkerWithoutMageflow_EndsThroughTheEngineEvent()
    {
        var name = Names.Unique("item");

        // The publisher declares the tasks (so it expects their workers to report), but the worker that runs them
        // is a plain Hatchet worker without MageFlow: nothing reports their ends but the engine.
        var cbName = Names.Unique("cb");
        await using var h = fixture.Flow();
        var declared = h.Client.Task<In, Out>(name, (i, _) => Task.FromResult(new Out(-1)));
        var cb = h.Client.Task<ResultIn, Out>(cbName, (i, _) => Task.FromResult(new Out(-1)));
        var mf = await h.AttachAsync();

        await using var plain = fixture.Harness();
        plain.Client.Task<In, Out>(name, (i, _) => Task.FromResult(new Out(i.N * 3)));
        var calls = new Probe<ResultIn>();
        plain.Client.Task(cbName, calls.Returning(new Out(0)));
        await plain.StartWorkerAsync(slots: 5);

        var callback = await mf.SignAsync(cb);
        var sig = await mf.SignAsync(declared, new { n = 5 }, successCallbacks: [callback]);
        await sig.RunNoWaitAsync();

        Assert.Equal(new Out(15), (await calls.First).MageflowResults);
        Assert.Equal(new Out(15), await sig.ResultAsync<Out>().WaitAsync(Wait));
        await callback.ResultAsync<Out>().WaitAsync(Wait);
        await h.AssertRedisCleanAsync();
        Assert.Equal(1, calls.Count);
    }

    [Fact]
    public async Task SignedDagWorkflow_EndsWithItsLastTask_NotItsFirst()
    {
        await using var h = fixture.Flow();
        using var gate = new Gate();
        var wf = h.Workflow<In>("dag")
            .Task("first", (i, _) => Task.FromResult(new Out(i.N)))
            .Task("second", gate.Passing<In, Out>(i => new Out(i.N * 10)), parents: "first");
        var mf = await h.StartAsync(slots: 10);

        var sig = await mf.SignAsync(wf, new { n = 3 });
        await sig.RunNoWaitAsync();

        // The first task finished, the second waits: a step's success is not the run's end.
        await gate.ArrivalsAsync(1);
        Assert.Equal(SignatureStatus.Active, await sig.GetStatusAsync());

        gate.Open();
        var result = await sig.ResultAsync<JsonElement>().WaitAsync(Wait);
        Assert.Equal(3, result.GetProperty("first").GetProperty("value").GetInt32());
        Assert.Equal(30, result.GetProperty("second").GetProperty("value").GetInt32());
        await h.AssertRedisCleanAsync();
    }

    /// <summary>Reports one run's end as the tracker ('engine') or a worker ('worker') does; returns the run's
    /// status and how many signatures the report claimed for publishing.</summary>
    private static async Task<(string Status, int Claimed)> ReportAsync(MageFlowClient mf, string source, string runId, string signatureId, string ok, string value)
    {
        var outcome = await mf.Scripts.OnFinished.RunAsync(mf.OwnerId, TimeSpan.FromSeconds(60), source == "worker" ? OnFinishedScript.Source.Worker : OnFinishedScript.Source.Engine, [new(runId, signatureId, ok == "1", value)], CancellationToken.None);
        return (outcome.FirstStatus, outcome.Claimed.Count);
    }

    private static string Sorted(HashEntry[] entries) => string.Join(";", entries.OrderBy(e => (string)e.Name!, StringComparer.Ordinal).Select(e => $"{e.Name}={e.Value}"));
}

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Hatchet's ReplayTasks (internal/services/admin/v1/server.go, ListTasksForReplay in pkg/repository/task.go) runs
/// tasks again whatever their status: a run id replays every task of the run, completed ones included, and a task
/// run id replays that task and the tasks downstream of it.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ReplayTests(EngineFixture fixture)
{
    [Fact]
    public async Task ReplayRun_CompletedDag_RunsEveryTaskAgainAndFinishes()
    {
        var name = Unique("replay-run");
        await fixture.PutAsync(Define(name, TaskOpts("a", name + ":a"), TaskOpts("b", name + ":b", "a")));
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":a", name + ":b"]);
        var runId = await fixture.TriggerAsync(name);
        await worker.CompleteAsync(await worker.NextAsync(), "{\"n\":1}");
        await worker.CompleteAsync(await worker.NextAsync(), "{\"n\":2}");
        Assert.Equal(RunStatus.Completed, (await fixture.WaitDoneAsync(runId)).Status);

        var request = new ReplayTasksRequest();
        request.ExternalIds.Add(runId);
        var response = await fixture.Admin.ReplayTasksAsync(request, fixture.Auth);
        Assert.Equal(2, response.ReplayedTasks.Count);

        var a = await worker.NextAsync();
        Assert.Equal("a", a.ActionId.Split(':')[1]);
        Assert.Equal(1, a.RetryCount);
        await worker.CompleteAsync(a, "{\"n\":10}");
        var b = await worker.NextAsync();
        Assert.Equal("b", b.ActionId.Split(':')[1]);
        await worker.CompleteAsync(b, "{\"n\":20}");

        var done = await fixture.WaitDoneAsync(runId);
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal("{\"n\":20}", done.TaskRuns["b"].Output.ToStringUtf8());
    }

    [Fact]
    public async Task ReplayTask_MiddleOfADag_RunsItAndItsDescendantsOnly_UpstreamOutputKept()
    {
        var name = Unique("replay-task");
        await fixture.PutAsync(Define(name, TaskOpts("a", name + ":a"), TaskOpts("b", name + ":b", "a"), TaskOpts("c", name + ":c", "b")));
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":a", name + ":b", name + ":c"]);
        var runId = await fixture.TriggerAsync(name);
        await worker.CompleteAsync(await worker.NextAsync(), "{\"from\":\"a\"}");
        var firstB = await worker.NextAsync();
        await worker.CompleteAsync(firstB, "{\"from\":\"b\"}");
        await worker.CompleteAsync(await worker.NextAsync(), "{\"from\":\"c\"}");
        await fixture.WaitDoneAsync(runId);

        var request = new ReplayTasksRequest();
        request.ExternalIds.Add(firstB.TaskRunExternalId);
        var response = await fixture.Admin.ReplayTasksAsync(request, fixture.Auth);

        Assert.Equal(2, response.ReplayedTasks.Count);
        var b = await worker.NextAsync();
        Assert.Equal("b", b.ActionId.Split(':')[1]);
        Assert.Contains("\"from\":\"a\"", b.ActionPayload, StringComparison.Ordinal);
        await worker.CompleteAsync(b, "{\"from\":\"b2\"}");
        var c = await worker.NextAsync();
        Assert.Equal("c", c.ActionId.Split(':')[1]);
        await worker.CompleteAsync(c, "{\"from\":\"c2\"}");

        var done = await fixture.WaitDoneAsync(runId);
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal("{\"from\":\"a\"}", done.TaskRuns["a"].Output.ToStringUtf8());
        Assert.Equal("{\"from\":\"c2\"}", done.TaskRuns["c"].Output.ToStringUtf8());
    }
}

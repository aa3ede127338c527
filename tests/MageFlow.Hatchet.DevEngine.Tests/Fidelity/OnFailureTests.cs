using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Hatchet queues a run's on-failure task as soon as any of the run's tasks fails for good: its trigger match has one
/// QUEUE group satisfied by the FAILED event of any other task (getParentOnFailureGroupMatches in
/// pkg/repository/trigger.go). Branches that did not fail keep running meanwhile, and the run finishes after all of them.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class OnFailureTests(EngineFixture fixture)
{
    [Fact]
    public async Task OnFailure_StartsWhenOneBranchFails_WhileAnotherBranchStillRuns()
    {
        var name = Unique("early");
        var wf = Define(name, TaskOpts("broken", name + ":broken"), TaskOpts("slow", name + ":slow"));
        wf.OnFailureTask = TaskOpts("on-failure", name + ":on-failure");
        await fixture.PutAsync(wf);
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":broken", name + ":slow", name + ":on-failure"]);
        var runId = await fixture.TriggerAsync(name);
        var started = new[] { await worker.NextAsync(), await worker.NextAsync() }.ToDictionary(a => a.TaskName);

        await worker.FailAsync(started["broken"], "kaput");

        // The failure report is handled in one step, which already queued and assigned the on-failure task.
        var during = await fixture.DetailsAsync(runId);
        Assert.Equal(RunStatus.Running, during.TaskRuns["slow"].Status);
        Assert.Equal(RunStatus.Running, during.TaskRuns["on-failure"].Status);
        Assert.False(during.Done);
        var onFailure = await worker.NextAsync();
        Assert.Equal("on-failure", onFailure.TaskName);
        using (var payload = JsonDocument.Parse(onFailure.ActionPayload))
        {
            var errors = payload.RootElement.GetProperty("step_run_errors");
            Assert.Equal("kaput", errors.GetProperty("broken").GetString());
            Assert.False(errors.TryGetProperty("slow", out _));
        }

        // The run ends only when the branch that was still running and the on-failure task are done.
        await worker.CompleteAsync(onFailure, "{\"handled\":true}");
        Assert.False((await fixture.DetailsAsync(runId)).Done);
        await worker.CompleteAsync(started["slow"], "{\"slow\":true}");
        var details = await fixture.WaitDoneAsync(runId);
        Assert.Equal(RunStatus.Failed, details.Status);
        Assert.Equal(RunStatus.Completed, details.TaskRuns["slow"].Status);
        Assert.Equal(RunStatus.Completed, details.TaskRuns["on-failure"].Status);
    }
}

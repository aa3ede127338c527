using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Hatchet's CancelTasks answers with the ids it was asked to cancel, whatever became of them, and refuses an id that
/// is not a UUID (CancelTasks in internal/services/admin/v1/server.go): the cancellation itself happens after the answer.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class CancelTasksResponseTests(EngineFixture fixture)
{
    [Fact]
    public async Task CancelTasks_AnswersWithTheRequestedIds()
    {
        var name = Unique("dag");
        await fixture.PutAsync(Define(name, TaskOpts("a", name + ":a"), TaskOpts("b", name + ":b", "a")));
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [name + ":a"]);
        var running = await fixture.TriggerAsync(name);
        await worker.NextAsync();
        var unknown = Guid.NewGuid().ToString();

        var request = new CancelTasksRequest();
        request.ExternalIds.Add(running);
        request.ExternalIds.Add(unknown);
        var response = await fixture.Admin.CancelTasksAsync(request, fixture.Auth);

        Assert.Equal([running, unknown], response.CancelledTasks);
        Assert.Equal(RunStatus.Cancelled, (await fixture.WaitDoneAsync(running)).Status);
    }

    [Fact]
    public async Task CancelTasks_IdThatIsNotAUuid_InvalidArgument()
    {
        var request = new CancelTasksRequest();
        request.ExternalIds.Add("not-a-uuid");
        var e = await Assert.ThrowsAsync<RpcException>(() => fixture.Admin.CancelTasksAsync(request, fixture.Auth).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("invalid external id", e.Status.Detail);
    }
}

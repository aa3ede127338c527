namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// How Hatchet recognises a child spawned twice (populateExternalIdsForWorkflow and getChildSignalEventKey in
/// pkg/repository/ids.go): only a spawn that names its parent task and a child index is looked up, by the key
/// <c>parent.step-index.(child_key, else child_index)</c>; a spawn whose key is already recorded gets the recorded
/// child. The record is written with ON CONFLICT DO NOTHING and the result is not read, so spawns that do not see each
/// other's record (in one bulk request, or in flight together) each create a run, and the first record stays.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ChildSpawnDedupeTests(EngineFixture fixture)
{
    [Fact]
    public async Task ChildKeyWithoutChildIndex_IsNeverDeduped()
    {
        var (parent, child) = await StartParentAsync();
        var first = await SpawnAsync(parent, child, index: null, key: "only-key");
        var second = await SpawnAsync(parent, child, index: null, key: "only-key");
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task SameKeyTwiceInOneBulkRequest_CreatesBoth_AndLaterSpawnsGetTheFirst()
    {
        var (parent, child) = await StartParentAsync();
        var bulk = new BulkTriggerWorkflowRequest();
        bulk.Workflows.Add(Spawn(parent, child, index: 0, key: null));
        bulk.Workflows.Add(Spawn(parent, child, index: 0, key: null));
        var ids = (await fixture.Workflows.BulkTriggerWorkflowAsync(bulk, fixture.Auth)).WorkflowRunIds;
        Assert.Equal(2, ids.Distinct().Count());

        Assert.Equal(ids[0], await SpawnAsync(parent, child, index: 0, key: null));
    }

    [Fact]
    public async Task DedupeKey_IsTheChildKeyWhenSent_ElseTheChildIndex()
    {
        var (parent, child) = await StartParentAsync();
        var keyed3 = await SpawnAsync(parent, child, index: 0, key: "3");

        // Index 3 without a key has the same key as child_key "3".
        Assert.Equal(keyed3, await SpawnAsync(parent, child, index: 3, key: null));

        // With a key, the index does not matter.
        var other = await SpawnAsync(parent, child, index: 0, key: "other");
        Assert.NotEqual(keyed3, other);
        Assert.Equal(other, await SpawnAsync(parent, child, index: 7, key: "other"));
    }

    private async Task<(AssignedAction Parent, string Child)> StartParentAsync()
    {
        var parentName = Unique("parent");
        var childName = Unique("child");
        await fixture.PutAsync(Define(parentName, TaskOpts("p", parentName + ":p")));
        await fixture.PutAsync(Define(childName, TaskOpts("c", childName + ":c")));
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), [parentName + ":p"]);
        await fixture.TriggerAsync(parentName);
        return (await worker.NextAsync(), childName);
    }

    private static TriggerWorkflowRequest Spawn(AssignedAction parent, string child, int? index, string? key)
    {
        var request = new TriggerWorkflowRequest
        {
            Name = child,
            Input = "{}",
            ParentId = parent.WorkflowRunId,
            ParentTaskRunExternalId = parent.TaskRunExternalId,
        };
        if (index is { } i)
        {
            request.ChildIndex = i;
        }

        if (key is not null)
        {
            request.ChildKey = key;
        }

        return request;
    }

    private async Task<string> SpawnAsync(AssignedAction parent, string child, int? index, string? key) =>
        (await fixture.Workflows.TriggerWorkflowAsync(Spawn(parent, child, index, key), fixture.Auth)).WorkflowRunId;
}

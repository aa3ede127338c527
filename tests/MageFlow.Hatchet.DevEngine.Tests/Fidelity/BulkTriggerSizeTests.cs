namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Hatchet's BulkTriggerWorkflow takes any number of workflows (bulkTriggerWorkflowV1 in
/// internal/services/admin/server_v1.go counts none); only the gRPC message size limit, 4 MiB by default, bounds a request.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class BulkTriggerSizeTests(EngineFixture fixture)
{
    [Fact]
    public async Task BulkTrigger_MoreThanAThousandWorkflows_CreatesThemAll()
    {
        var name = Unique("many");
        await fixture.PutAsync(Define(name, TaskOpts("t", name + ":t")));
        var bulk = new BulkTriggerWorkflowRequest();
        for (var i = 0; i < 1500; i++)
        {
            bulk.Workflows.Add(new TriggerWorkflowRequest { Name = name, Input = $"{{\"i\":{i}}}" });
        }

        var ids = (await fixture.Workflows.BulkTriggerWorkflowAsync(bulk, fixture.Auth)).WorkflowRunIds;
        Assert.Equal(1500, ids.Distinct().Count());
        Assert.Equal("{\"i\":1499}", (await fixture.DetailsAsync(ids[1499])).Input.ToStringUtf8());
    }
}

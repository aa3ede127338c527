using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Tests.Interop;

/// <summary>
/// The official TypeScript SDK's management calls against the dev engine (tests/interop/ts/rest.js): event filters,
/// workflow delete, scheduled-run update and bulk changes, and the deprecated event replay/cancel Hatchet refuses.
/// </summary>
public sealed partial class TypeScriptRestTests
{
    [Fact]
    public async Task Filters_CreateListGetUpdateDelete_DecideWhichScopedEventsTriggerTheWorkflow()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("filters", prefix, "filters");

        var created = result.GetProperty("created");
        var id = created.GetProperty("id").GetString();
        Assert.Equal(result.GetProperty("workflowId").GetString(), created.GetProperty("workflowId").GetString());
        Assert.Equal("vip", created.GetProperty("scope").GetString());
        Assert.Equal("input.amount > 10", created.GetProperty("expression").GetString());
        Assert.Equal("gold", created.GetProperty("payload").GetProperty("tier").GetString());
        Assert.False(created.GetProperty("isDeclarative").GetBoolean());
        Assert.Equal([id], result.GetProperty("listed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(id, result.GetProperty("got").GetString());
        Assert.Equal("input.amount < 10", result.GetProperty("updated").GetProperty("expression").GetString());
        Assert.Equal("vip", result.GetProperty("updated").GetProperty("scope").GetString());
        Assert.Equal(id, result.GetProperty("deleted").GetString());
        Assert.Equal(0, result.GetProperty("afterDelete").GetInt32());

        // A workflow with a filter runs only for events of a scope that has one whose expression holds.
        var runs = result.GetProperty("runs");
        Assert.Equal(0, runs.GetProperty("low").GetInt32());
        Assert.Equal(1, runs.GetProperty("high").GetInt32());
        Assert.Equal(0, runs.GetProperty("unscoped").GetInt32());
        Assert.Equal(1, runs.GetProperty("lowAfterUpdate").GetInt32());
        var refused = result.GetProperty("refused");
        Assert.Equal(400, refused.GetProperty("status").GetInt32());
        Assert.Contains("does not evaluate the CEL expression", refused.GetProperty("errors")[0].GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkflowsDelete_RemovesTheWorkflowSoGetFailsAndASecondDeleteIs404()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("workflows-delete", prefix, "workflow-deleted");

        Assert.Contains("not found", result.GetProperty("getError").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, result.GetProperty("deleteAgain").GetInt32());
    }

    [Fact]
    public async Task ScheduleChanges_UpdateBulkUpdateAndBulkDelete_ReportPerIdResults()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("schedule-changes", prefix, "schedule-changes");

        var ids = result.GetProperty("ids");
        string Id(string name) => ids.GetProperty(name).GetString()!;
        var movedTo = result.GetProperty("movedTo").GetDateTimeOffset();
        Assert.Equal(Id("a"), result.GetProperty("updated").GetProperty("id").GetString());
        Assert.Equal(movedTo, result.GetProperty("updated").GetProperty("triggerAt").GetDateTimeOffset());
        var bulk = result.GetProperty("bulkUpdated");
        Assert.Equal([Id("b")], bulk.GetProperty("updatedIds").EnumerateArray().Select(e => e.GetString()));
        var error = Assert.Single(bulk.GetProperty("errors").EnumerateArray());
        Assert.Equal(Id("missing"), error.GetProperty("id").GetString());
        Assert.Equal("Scheduled workflow not found.", error.GetProperty("error").GetString());
        Assert.Equal([Id("c")], result.GetProperty("byIds").GetProperty("deletedIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            new[] { Id("a"), Id("b") }.Order(),
            result.GetProperty("byFilter").GetProperty("deletedIds").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.Equal(0, result.GetProperty("byFilter").GetProperty("errors").GetArrayLength());
        Assert.Equal(0, result.GetProperty("after").GetInt32());
    }

    [Fact]
    public async Task DeprecatedEventReplayAndCancel_Answer400WithHatchetsWords()
    {
        var prefix = NewPrefix();
        await StartWorkerAsync(prefix);

        var result = await RunAsync("events-deprecated", prefix, "events-deprecated");

        AssertRefused(result.GetProperty("replay"), "EventUpdateReplay is deprecated");
        AssertRefused(result.GetProperty("cancel"), "EventUpdateCancel is deprecated; please use V1TaskCancel instead");
    }

    private static void AssertRefused(JsonElement answer, string description)
    {
        Assert.Equal(400, answer.GetProperty("status").GetInt32());
        Assert.Equal(description, answer.GetProperty("errors")[0].GetProperty("description").GetString());
    }
}

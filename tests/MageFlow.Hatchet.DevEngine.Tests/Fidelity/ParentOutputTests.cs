using System.Text.Json;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Hatchet reads each completed parent's output into a JSON object for the child's <c>parents</c> (ToV1StepRunData in
/// pkg/repository/input.go unmarshals it into a map and keeps the map even when that fails): an output that is an
/// array or a scalar reaches the child as <c>{}</c>, and <c>null</c> as <c>null</c>.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ParentOutputTests(EngineFixture fixture)
{
    [Fact]
    public async Task DagChild_ParentOutputThatIsNotAnObject_ArrivesAsAnEmptyObject()
    {
        var name = Unique("shape");
        await fixture.PutAsync(Define(
            name,
            TaskOpts("list", name + ":list"),
            TaskOpts("number", name + ":number"),
            TaskOpts("nothing", name + ":nothing"),
            TaskOpts("object", name + ":object"),
            TaskOpts("child", name + ":child", "list", "number", "nothing", "object")));
        await using var worker = await RawWorker.StartAsync(fixture, Unique("w"), new[] { "list", "number", "nothing", "object", "child" }.Select(t => $"{name}:{t}"));
        var runId = await fixture.TriggerAsync(name);

        var outputs = new Dictionary<string, string> { ["list"] = "[1,2]", ["number"] = "42", ["nothing"] = "null", ["object"] = "{\"k\":1}" };
        for (var i = 0; i < outputs.Count; i++)
        {
            var parent = await worker.NextAsync();
            await worker.CompleteAsync(parent, outputs[parent.TaskName]);
        }

        var child = await worker.NextAsync();
        Assert.Equal("child", child.TaskName);
        using var payload = JsonDocument.Parse(child.ActionPayload);
        var parents = payload.RootElement.GetProperty("parents");
        Assert.Equal("{}", parents.GetProperty("list").GetRawText());
        Assert.Equal("{}", parents.GetProperty("number").GetRawText());
        Assert.Equal(JsonValueKind.Null, parents.GetProperty("nothing").ValueKind);
        Assert.Equal(1, parents.GetProperty("object").GetProperty("k").GetInt32());

        // The parents' own results keep their outputs as reported.
        await worker.CompleteAsync(child, "{}");
        Assert.Equal("[1,2]", (await fixture.WaitDoneAsync(runId)).TaskRuns["list"].Output.ToStringUtf8());
    }
}

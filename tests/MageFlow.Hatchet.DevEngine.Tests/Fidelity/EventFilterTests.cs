using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// Declared event filters (<c>default_filters</c>) as Hatchet applies them (makeTriggerDecisions in pkg/repository/trigger.go)
/// and the <c>triggers.filter_payload</c> every action payload carries (ToV1StepRunData in pkg/repository/input.go). The dev
/// engine has no CEL evaluator, so it refuses expressions other than <c>true</c>, <c>false</c> and one comparison of a field of
/// <c>input</c> instead of guessing.
/// </summary>
public sealed class EventFilterTests
{
    [Fact]
    public async Task PutWorkflow_FilterWithACelExpressionBeyondOneComparison_IsRefused()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("cel");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.EventTriggers.Add("k");
        wf.DefaultFilters.Add(new DefaultFilter { Expression = "input.amount > 10 && input.ok", Scope = "s" });
        var e = await Assert.ThrowsAsync<RpcException>(() => engine.PutAsync(wf));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("'input.amount > 10 && input.ok'", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_FilteredAndUnfilteredWorkflows_FilterPayloadOnlyWhereAFilterStartedTheRun()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var key = Unique("evt");
        var plain = Unique("plain");
        var wfPlain = Define(plain, TaskOpts("t", plain + ":t"));
        wfPlain.EventTriggers.Add(key);
        await engine.PutAsync(wfPlain);
        var filtered = Unique("filtered");
        var wfFiltered = Define(filtered, TaskOpts("t", filtered + ":t"));
        wfFiltered.EventTriggers.Add(key);
        wfFiltered.DefaultFilters.Add(new DefaultFilter { Expression = "true", Scope = "s", Payload = ByteString.CopyFromUtf8("{\"k\":1}") });
        wfFiltered.DefaultFilters.Add(new DefaultFilter { Expression = "true", Scope = "s", Payload = ByteString.CopyFromUtf8("{\"k\":2}") });
        await engine.PutAsync(wfFiltered);
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [plain + ":t", filtered + ":t"]);

        await engine.Events.PushAsync(new PushEventRequest { Key = key, Payload = "{}", Scope = "s" }, engine.Auth);

        // The plain workflow runs regardless of scope; the filtered one once per filter of the scope that holds.
        Assert.Equal(3, engine.Engine.Counters.RunsCreated);
        var payloads = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var action = await worker.NextAsync();
            using var doc = JsonDocument.Parse(action.ActionPayload);
            payloads.Add($"{action.ActionId.Split(':')[0] == plain} {doc.RootElement.GetProperty("triggers").GetProperty("filter_payload").GetRawText()}");
        }

        Assert.Equal(["False {\"k\":1}", "False {\"k\":2}", "True null"], payloads.Order(StringComparer.Ordinal));
    }
}

using System.Text.Json;
using Grpc.Core;

namespace MageFlow.Hatchet.DevEngine.Tests.Fidelity;

/// <summary>
/// How a pushed event triggers runs in Hatchet: a workflow's event trigger is a LIKE pattern in which <c>*</c> stands
/// for any text (ListWorkflowsForEvents in pkg/repository/sqlcv1/triggers.sql: <c>event_key LIKE REPLACE(pattern, '*', '%')</c>);
/// the triggered run's metadata is the event's, cleaned of <c>hatchet__</c> keys, plus <c>hatchet__event_id</c> and
/// <c>hatchet__event_key</c> (TriggeredByEvent.ToMetadata in pkg/repository/trigger.go); and the payload may be any
/// valid JSON (ValidateJSONB in pkg/repository/jsonb.go), reaching workers as <c>input</c> only when it is an object.
/// </summary>
public sealed class EventTriggerTests
{
    [Fact]
    public async Task Push_KeyMatchingAWildcardTrigger_TriggersTheWorkflow()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("wild");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.EventTriggers.Add("orders:*:created");
        wf.EventTriggers.Add("user_signup");
        await engine.PutAsync(wf);
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"]);

        // A push triggers its runs before it returns, so the count of runs created tells at once.
        foreach (var (key, runsAfter) in new[]
        {
            ("orders:eu-west:created", 1),
            ("orders::created", 2),
            ("user-signup", 3), // LIKE's own wildcard '_' stands for any one character
            ("orders:eu-west:created:late", 3), // the whole key must match
            ("Orders:eu:created", 3), // case-sensitive
            ("user--signup", 3),
        })
        {
            await PushAsync(engine, key);
            Assert.True(runsAfter == engine.Engine.Counters.RunsCreated, $"after pushing '{key}': {engine.Engine.Counters.RunsCreated} runs, expected {runsAfter}");
        }

        var keys = new[] { await worker.NextAsync(), await worker.NextAsync(), await worker.NextAsync() }.Select(a => a.TriggeringEventKey).Order();
        Assert.Equal(["orders::created", "orders:eu-west:created", "user-signup"], keys);
    }

    [Fact]
    public async Task Push_TriggeredRunMetadata_IsTheEventsWithoutEngineKeys_PlusTheEventIdAndKey()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("meta");
        var key = Unique("evt");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.EventTriggers.Add(key);
        await engine.PutAsync(wf);
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"]);

        var evt = await PushAsync(engine, key, metadata: "{\"src\":\"test\",\"hatchet__parent_workflow_run_id\":\"x\",\"hatchet__source_workflow_run_id\":\"y\"}");
        using var meta = JsonDocument.Parse((await worker.NextAsync()).AdditionalMetadata);
        var root = meta.RootElement;
        Assert.Equal("test", root.GetProperty("src").GetString());
        Assert.Equal(evt.EventId, root.GetProperty("hatchet__event_id").GetString());
        Assert.Equal(key, root.GetProperty("hatchet__event_key").GetString());
        Assert.Equal("y", root.GetProperty("hatchet__source_workflow_run_id").GetString());
        Assert.False(root.TryGetProperty("hatchet__parent_workflow_run_id", out _));
    }

    [Fact]
    public async Task Push_PayloadThatIsJsonButNotAnObject_TriggersARunWhoseInputIsNull()
    {
        await using var engine = await ClockedEngine.StartAsync();
        var name = Unique("arr");
        var key = Unique("evt");
        var wf = Define(name, TaskOpts("t", name + ":t"));
        wf.EventTriggers.Add(key);
        await engine.PutAsync(wf);
        await using var worker = await RawWorker.StartAsync(engine, Unique("w"), [name + ":t"]);

        foreach (var payload in new[] { "[1,2,3]", "42", "\"text\"", "null" })
        {
            await PushAsync(engine, key, payload);
            using var actionPayload = JsonDocument.Parse((await worker.NextAsync()).ActionPayload);
            Assert.Equal(JsonValueKind.Null, actionPayload.RootElement.GetProperty("input").ValueKind);
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => PushAsync(engine, key, "{not json"));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("Invalid request: invalid json in field `payload`", e.Status.Detail);
    }

    private static async Task<Event> PushAsync(ClockedEngine engine, string key, string payload = "{}", string? metadata = null)
    {
        var request = new PushEventRequest { Key = key, Payload = payload };
        if (metadata is not null)
        {
            request.AdditionalMetadata = metadata;
        }

        return await engine.Events.PushAsync(request, engine.Auth);
    }
}

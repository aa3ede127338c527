using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Tests.Observability;

/// <summary>The SDK's run metrics, read through an in-memory metric exporter and picked by the test's unique action names.</summary>
[Collection(SdkCollection.Name)]
public sealed class MetricsTests(DevEngineFixture fixture)
{
    [Fact]
    public async Task Worker_OneRunCompletesAndOneFails_CountsStartedCompletedFailedAndDurations()
    {
        using var capture = new TraceCapture();
        await using var h = fixture.Harness();
        var ok = h.Task<Empty, Empty>(Names.Unique("metrics-ok"), (_, _) => Task.FromResult(new Empty()));
        var broken = h.Task<Empty, Empty>(Names.Unique("metrics-broken"), (_, _) => throw new InvalidOperationException("no"), new TaskOptions { Retries = 0 });
        await h.StartWorkerAsync(slots: 10);

        await ok.RunAsync(new Empty()).WaitAsync(Wait);
        await Assert.ThrowsAsync<TaskRunFailedException>(() => broken.RunAsync(new Empty()).WaitAsync(Wait));

        // The worker records a run's end after reporting it, so the result can come back first.
        static bool Of(IReadOnlyDictionary<string, object?> tags, WorkflowDeclarationBase task) =>
            tags.TryGetValue("hatchet.action_name", out var action) && action is string a && a.StartsWith(task.WorkflowName + ":", StringComparison.Ordinal);
        await EventuallyAsync(() => capture.Sum("hatchet.task.run.duration", t => Of(t, ok) || Of(t, broken)) == 2);
        Assert.Equal(1, capture.Sum("hatchet.task.runs.started", t => Of(t, ok)));
        Assert.Equal(1, capture.Sum("hatchet.task.runs.started", t => Of(t, broken)));
        Assert.Equal(1, capture.Sum("hatchet.task.runs.completed", t => Of(t, ok)));
        Assert.Equal(0, capture.Sum("hatchet.task.runs.completed", t => Of(t, broken)));
        Assert.Equal(1, capture.Sum("hatchet.task.runs.failed", t => Of(t, broken)));
        Assert.Equal(0, capture.Sum("hatchet.task.runs.failed", t => Of(t, ok)));
        Assert.Equal(1, capture.Sum("hatchet.task.run.duration", t => Of(t, ok) && (string?)t["hatchet.outcome"] == "completed"));
        Assert.Equal(1, capture.Sum("hatchet.task.run.duration", t => Of(t, broken) && (string?)t["hatchet.outcome"] == "failed"));

        // Both runs have ended: the worker holds no slot.
        Assert.Equal(0, capture.Sum("hatchet.worker.slots.used", t => (string?)t["hatchet.worker_name"] == h.Worker.Name));
        Assert.True(capture.Sum("hatchet.runs.triggered", _ => true) >= 2);
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!condition())
        {
            await Task.Delay(50, cts.Token);
        }
    }

    public sealed record Empty;
}

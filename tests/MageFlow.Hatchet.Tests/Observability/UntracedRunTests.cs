using System.Diagnostics;
using MageFlow.Hatchet.Diagnostics;

namespace MageFlow.Hatchet.Tests.Observability;

/// <summary>
/// Without a listener the SDK writes no trace context. Activity listeners are process-wide, so this runs in a
/// collection that xunit runs alone, after every parallel one: no other test can be tracing at the same time.
/// </summary>
[Collection(UntracedCollection.Name)]
public sealed class UntracedRunTests(DevEngineFixture fixture)
{
    [Fact]
    public async Task RunAsync_NoListenerAndNoCurrentSpan_MetadataGetsNoTraceparent()
    {
        await using var h = fixture.Harness();
        var task = h.Task<Empty, Dictionary<string, string>>(Names.Unique("untraced"), (_, ctx) =>
            Task.FromResult(ctx.AdditionalMetadata.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal)));
        await h.StartWorkerAsync(slots: 10);
        using var source = new ActivitySource(HatchetInstrumentation.ActivitySourceName);
        Assert.False(source.HasListeners(), "a trace listener outlived its test");

        Activity.Current = null;
        var metadata = await task.RunAsync(new Empty()).WaitAsync(Wait);

        Assert.DoesNotContain(TraceContextMetadata.TraceParentKey, metadata.Keys);
        Assert.DoesNotContain(TraceContextMetadata.TraceStateKey, metadata.Keys);
    }

    public sealed record Empty;
}

/// <summary>A collection that runs alone (see <see cref="UntracedRunTests"/>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UntracedCollection : ICollectionFixture<DevEngineFixture>
{
    public const string Name = "sdk on dev engine, no trace listeners";
}

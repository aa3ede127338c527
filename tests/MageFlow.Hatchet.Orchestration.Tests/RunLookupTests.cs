namespace MageFlow.Hatchet.Orchestration.Tests;

/// <summary>
/// From a Hatchet run to its MageFlow signature and back: <see cref="MageFlowClient.FindByRunIdAsync"/> reads the
/// signature id the publisher put in the run's metadata; <see cref="Signature.GetRunIdAsync"/> reads the run id the
/// signature recorded.
/// </summary>
[Collection(MageFlowCollection.Name)]
public sealed class RunLookupTests(MageFlowFixture fixture)
{
    [Fact]
    public async Task RunIdAndSignature_LeadToEachOther()
    {
        await using var h = fixture.Flow();
        var item = h.Task<In, Out>("lookup", (i, _) => Task.FromResult(new Out(i.N + 1)));
        var mf = await h.StartAsync(slots: 5);
        var sig = await mf.SignAsync(item, new { n = 1 });
        Assert.Null(await sig.GetRunIdAsync());

        await sig.RunNoWaitAsync();
        Assert.Equal(new Out(2), await sig.ResultAsync<Out>().WaitAsync(Wait));
        var runId = await sig.GetRunIdAsync();

        Assert.NotNull(runId);
        var found = await mf.FindByRunIdAsync(runId);
        Assert.NotNull(found);
        Assert.Equal(sig.Id, found.Id);
        Assert.Equal(sig.Kind, found.Kind);
    }

    [Fact]
    public async Task FindByRunIdAsync_ARunMageFlowDidNotStart_IsNull()
    {
        await using var h = fixture.Flow();
        var plain = h.Task<In, Out>("plain", (i, _) => Task.FromResult(new Out(i.N)));
        var mf = await h.StartAsync(slots: 5);
        var run = await plain.RunNoWaitAsync(new In(3));
        await run.ResultAsync().WaitAsync(Wait);

        Assert.Null(await mf.FindByRunIdAsync(run.RunId));
    }
}

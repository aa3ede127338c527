using System.Collections.Concurrent;
using System.Text.Json;
using MageFlow.Hatchet.Tasks;
using Xunit.Abstractions;

namespace MageFlow.Hatchet.Tests.Interop;

/// <summary>
/// Durable tasks across the C# SDK and the official TypeScript SDK on one dev engine, both ways: a C# durable task waits
/// for an event the TypeScript client pushes, and a TypeScript durable task (tests/interop/ts/durable-interop.js)
/// sleeps, then spawns a C# task as its child and returns the child's output.
/// </summary>
[Collection(SdkCollection.Name)]
public sealed class CrossLanguageDurableTests(DevEngineFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly NodeScripts _scripts = new(output.WriteLine);

    public sealed record Order(string Id);

    public sealed record Payment(string OrderId, int Amount, string From);

    public sealed record Paid(string OrderId, int Amount, string From);

    public sealed record NumberInput(int N);

    public sealed record ChildOutput(int Doubled, string Language);

    public sealed record TypeScriptDurableOutput(ChildOutput Child, string Ran);

    [Fact]
    public async Task CSharpDurableTask_WaitsForAnEventPushedByTypeScript_AndReturnsItsPayload()
    {
        var prefix = NewPrefix();
        var key = $"{prefix}:paid";
        await using var h = fixture.Harness();
        var task = h.Client.DurableTask<Order, Paid>(
            $"{prefix}-cs-durable",
            async (order, ctx) =>
            {
                var payment = await ctx.WaitForEventAsync<Payment>(key, $"input.orderId == '{order.Id}'");
                return new Paid(payment.OrderId, payment.Amount, payment.From);
            });
        await h.StartWorkerAsync(slots: 2);
        var waitsBefore = fixture.Engine.Counters.DurableWaits;

        var run = await task.RunNoWaitAsync(new Order("o-7")).WaitAsync(Wait);
        await UntilAsync(() => fixture.Engine.Counters.DurableWaits > waitsBefore, "the C# task to register its event wait");

        // Another order's payment does not match the expression; this order's, pushed by TypeScript, does.
        await PushFromTypeScriptAsync(key, """{"orderId":"o-8","amount":1,"from":"typescript"}""");
        await PushFromTypeScriptAsync(key, """{"orderId":"o-7","amount":42,"from":"typescript"}""");

        Assert.Equal(new Paid("o-7", 42, "typescript"), await run.ResultAsync<Paid>().WaitAsync(Wait));
    }

    [Fact]
    public async Task TypeScriptDurableTask_SpawnsACSharpChild_AndReturnsItsOutput()
    {
        var prefix = NewPrefix();
        await using var h = fixture.Harness();
        var parents = new ConcurrentQueue<string?>();
        h.Client.Task<NumberInput, ChildOutput>($"{prefix}-cs-child", (input, ctx) =>
        {
            parents.Enqueue(ctx.AdditionalMetadata.TryGetValue("hatchet__parent_workflow_run_id", out var p) ? p.GetString() : null);
            return Task.FromResult(new ChildOutput(input.N * 2, "csharp"));
        });
        await h.StartWorkerAsync(slots: 4);
        var ts = await _scripts.StartReadyAsync(fixture.Engine, "durable-interop.js", "durable-worker", prefix);

        var run = await h.Client.RunNoWaitAsync($"{prefix}-ts-durable", new NumberInput(21)).WaitAsync(Wait);
        var result = await run.ResultAsync<TypeScriptDurableOutput>().WaitAsync(Wait);

        Assert.Equal(new TypeScriptDurableOutput(new ChildOutput(42, "csharp"), "typescript"), result);
        Assert.Equal(21, (await ts.WaitForAsync("durable-ran", Wait)).GetProperty("input").GetProperty("n").GetInt32());
        Assert.Equal([run.RunId], parents);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _scripts.StopAllAsync();

    private static string NewPrefix() => "durable-interop-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!condition())
        {
            await Task.Delay(25, timeout.Token).ContinueWith(t => t.IsCanceled ? throw new TimeoutException("timed out waiting for " + what) : t, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task PushFromTypeScriptAsync(string key, string payloadJson)
    {
        var push = _scripts.Start(fixture.Engine, "durable-interop.js", "push", key, payloadJson);
        await push.WaitForAsync("pushed", Wait);
        Assert.Equal(0, await push.WaitForExitAsync(Wait));
    }
}

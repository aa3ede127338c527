using System.Text.Json.Serialization;
using MageFlow.Hatchet.Orchestration;

namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

public sealed record Batch(int Items);

public sealed record Item(int N);

public sealed record ItemResult(int Square);

public sealed record DoneInput([property: JsonPropertyName("mageflow_results")] List<ItemResult>? Results);

/// <summary>The names a test's handlers use, and what they saw.</summary>
public sealed class RootProbe(string childTask)
{
    public string ChildTask { get; } = childTask;

    public TaskCompletionSource<DoneInput> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<bool> InjectedIsAmbient { get; } = new();
}

public sealed class SquareItem : IHatchetTask<Item, ItemResult>
{
    public Task<ItemResult> RunAsync(Item input, TaskContext context) => Task.FromResult(new ItemResult(input.N * input.N));
}

/// <summary>A root task from DI: it signs children by name through the injected MageFlow and the ambient one, alternately.</summary>
public sealed class FanOut(MageFlowClient mageflow, RootProbe probe) : IHatchetTask<Batch, Out>
{
    public async Task<Out> RunAsync(Batch input, TaskContext context)
    {
        probe.InjectedIsAmbient.Enqueue(ReferenceEquals(mageflow, MageFlowClient.Current));
        for (var i = 1; i <= input.Items; i++)
        {
            var signer = i % 2 == 0 ? mageflow : MageFlowClient.Current;
            var child = await signer.SignAsync(probe.ChildTask, cancellationToken: context.CancellationToken);
            await child.RunNoWaitAsync(new Item(i), context.CancellationToken);
        }

        return new Out(input.Items);
    }
}

public sealed class RecordDone(RootProbe probe) : IHatchetTask<DoneInput>
{
    public Task RunAsync(DoneInput input, TaskContext context)
    {
        probe.Done.TrySetResult(input);
        return Task.CompletedTask;
    }
}

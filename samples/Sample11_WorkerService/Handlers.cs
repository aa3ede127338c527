using MageFlow.Hatchet.Extensions.Hosting;
using MageFlow.Hatchet.Orchestration;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Samples.WorkerService;

/// <summary>A scoped service: one instance per task run.</summary>
internal sealed class ItemFormatter
{
    public string Scope { get; } = Guid.NewGuid().ToString("N")[..8];

    public ItemResult Format(string data) => new(data.ToUpperInvariant(), Scope);
}

/// <summary>A child task: resolved from a new DI scope for every run.</summary>
internal sealed class ProcessItem(ItemFormatter formatter) : IHatchetTask<ItemMessage, ItemResult>
{
    public async Task<ItemResult> RunAsync(ItemMessage input, TaskContext context)
    {
        await Task.Delay(20, context.CancellationToken);
        return formatter.Format(input.Data);
    }
}

/// <summary>The root task: every task it publishes joins its swarm; its success callback waits for all of them.</summary>
internal sealed class ProcessBatch(MageFlowClient mageflow) : IHatchetTask<BatchMessage, BatchAccepted>
{
    public async Task<BatchAccepted> RunAsync(BatchMessage input, TaskContext context)
    {
        foreach (var item in input.Items)
        {
            var child = await mageflow.SignAsync(Names.ProcessItem, cancellationToken: context.CancellationToken);
            await child.RunNoWaitAsync(new ItemMessage(item), context.CancellationToken);
        }

        return new BatchAccepted(input.Items.Count);
    }
}

/// <summary>The root's success callback: hands the children's results to the driver.</summary>
internal sealed class BatchDone(BatchCompletion completion) : IHatchetTask<BatchDoneInput>
{
    public Task RunAsync(BatchDoneInput input, TaskContext context)
    {
        completion.Results.TrySetResult(input.Results ?? []);
        return Task.CompletedTask;
    }
}

/// <summary>Where the callback leaves the results for the driver.</summary>
internal sealed class BatchCompletion
{
    public TaskCompletionSource<List<ItemResult>> Results { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

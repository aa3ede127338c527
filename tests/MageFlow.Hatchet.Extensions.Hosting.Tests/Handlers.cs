namespace MageFlow.Hatchet.Extensions.Hosting.Tests;

public sealed record In(int N);

public sealed record Out(int Value, string? Scope = null, string? RunId = null);

/// <summary>Records every <see cref="RunScope"/> created and disposed, across runs.</summary>
public sealed class ScopeTracker
{
    public ConcurrentQueue<RunScope> Created { get; } = new();

    public ConcurrentQueue<RunScope> Disposed { get; } = new();
}

/// <summary>A scoped service of a run: it takes the run's <see cref="TaskContext"/> from the scope.</summary>
public sealed class RunScope : IDisposable
{
    private readonly ScopeTracker _tracker;

    public RunScope(ScopeTracker tracker, TaskContext context)
    {
        _tracker = tracker;
        RunId = context.TaskRunExternalId;
        tracker.Created.Enqueue(this);
    }

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public string RunId { get; }

    public void Dispose() => _tracker.Disposed.Enqueue(this);
}

/// <summary>A DI handler with a scoped dependency: it returns which scope served it.</summary>
public sealed class ScopedEcho(RunScope scope) : IHatchetTask<In, Out>
{
    public Task<Out> RunAsync(In input, TaskContext context) => Task.FromResult(new Out(input.N, scope.Id, scope.RunId));
}

/// <summary>A DI handler held by the test's gate until released.</summary>
public sealed class Gated(Gate gate) : IHatchetTask<In, Out>
{
    public async Task<Out> RunAsync(In input, TaskContext context)
    {
        await gate.PassAsync(context.CancellationToken);
        return new Out(input.N);
    }
}

/// <summary>What a handler that never finishes on its own saw.</summary>
public sealed class StuckProbe
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A DI handler that waits until its run is cancelled.</summary>
public sealed class Stuck(StuckProbe probe) : IHatchetTask<In, Out>
{
    public async Task<Out> RunAsync(In input, TaskContext context)
    {
        probe.Started.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Cancelled.TrySetResult();
            throw;
        }

        return new Out(input.N);
    }
}

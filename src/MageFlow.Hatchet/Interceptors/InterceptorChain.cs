using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Interceptors;

/// <summary>
/// The client's interceptors, outermost first: those of the options, then those added later. Calls run on a
/// snapshot, so adding or removing one never disturbs calls in flight.
/// </summary>
internal sealed class InterceptorChain
{
    private readonly Lock _gate = new();
    private HatchetInterceptor[] _all;

    public InterceptorChain(IEnumerable<HatchetInterceptor> initial) => _all = [.. initial];

    public IReadOnlyList<HatchetInterceptor> Current => Volatile.Read(ref _all);

    public IDisposable Add(HatchetInterceptor interceptor)
    {
        lock (_gate)
        {
            _all = [.. _all, interceptor];
        }

        return new Removal(this, interceptor);
    }

    public Task<IReadOnlyList<WorkflowRunRef>> TriggerAsync(TriggerInput input, Func<TriggerInput, Task<IReadOnlyList<WorkflowRunRef>>> send)
    {
        var all = Current;
        return all.Count == 0 ? send(input) : Next(0, input);

        Task<IReadOnlyList<WorkflowRunRef>> Next(int i, TriggerInput x) =>
            i == all.Count ? send(x) : all[i].TriggerAsync(x, y => Next(i + 1, y));
    }

    public Task<string> ExecuteTaskAsync(TaskExecutionInput input, Func<TaskExecutionInput, Task<string>> run)
    {
        var all = Current;
        return all.Count == 0 ? run(input) : Next(0, input);

        Task<string> Next(int i, TaskExecutionInput x) =>
            i == all.Count ? run(x) : all[i].ExecuteTaskAsync(x, y => Next(i + 1, y));
    }

    public async Task OnWorkerStartingAsync(WorkerStartingInput input)
    {
        foreach (var interceptor in Current)
        {
            await interceptor.OnWorkerStartingAsync(input).ConfigureAwait(false);
        }
    }

    public void OnRunFinished(RunOutcome outcome)
    {
        foreach (var interceptor in Current)
        {
            interceptor.OnRunFinished(outcome);
        }
    }

    private sealed class Removal(InterceptorChain chain, HatchetInterceptor interceptor) : IDisposable
    {
        public void Dispose()
        {
            lock (chain._gate)
            {
                chain._all = [.. chain._all.Where(i => !ReferenceEquals(i, interceptor))];
            }
        }
    }
}

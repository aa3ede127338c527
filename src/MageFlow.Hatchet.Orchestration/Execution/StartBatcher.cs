using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.State.Scripts;

namespace MageFlow.Hatchet.Orchestration.Execution;

/// <summary>Coalesces concurrent starts of signature runs (one per task run a worker begins) into one Lua call.</summary>
internal sealed class StartBatcher : IAsyncDisposable
{
    private readonly MageFlowScripts _scripts;
    private readonly CancellationTokenSource _stop = new();
    private readonly Coalescer<(StartScript.Start Start, TaskCompletionSource<string> Done)> _starts;

    public StartBatcher(MageFlowScripts scripts)
    {
        _scripts = scripts;
        _starts = new(StartManyAsync, stopping: _stop.Token);
    }

    /// <summary>Records the start; returns its status ('ok' or why the run must not go on, see <see cref="StartScript"/>).</summary>
    public Task<string> StartAsync(StartScript.Start start)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _starts.Post((start, done));
        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _starts.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task StartManyAsync(List<(StartScript.Start Start, TaskCompletionSource<string> Done)> batch)
    {
        try
        {
            var statuses = await _scripts.Start.RunAsync([.. batch.Select(b => b.Start)], CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(statuses[i]);
            }
        }
        catch (Exception e)
        {
            // Whatever failed (Redis, a malformed reply), every start of the batch learns it; none is left waiting.
            foreach (var b in batch)
            {
                b.Done.TrySetException(e);
            }
        }
    }
}

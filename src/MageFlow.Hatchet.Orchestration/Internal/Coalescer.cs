namespace MageFlow.Hatchet.Orchestration.Internal;

/// <summary>
/// Coalesces items posted concurrently into batches: each batch is what was posted while the previous one was
/// being handled, up to <c>maxBatch</c> (counted with <c>size</c>, one per item by default). <c>loops</c> handlers run
/// at once. The loops start on the first post, outside the poster's execution context (so nothing they publish
/// counts as a child run), and stop when <c>stopping</c> is cancelled; what is still queued then is dropped (every
/// user keeps its state durably in Redis). A handler must not throw: it owns its batch's failures.
/// </summary>
internal sealed class Coalescer<T>(Func<List<T>, Task> handle, int maxBatch = 500, int loops = 1, Func<T, int>? size = null, CancellationToken stopping = default)
{
    private readonly System.Threading.Channels.Channel<T> _queue = System.Threading.Channels.Channel.CreateUnbounded<T>();
    private readonly Lock _gate = new();
    private Task? _loops;

    /// <summary>Gets a task that completes when the loops have stopped (at once if they never started).</summary>
    public Task Completion => _loops ?? Task.CompletedTask;

    public void Post(T item)
    {
        _queue.Writer.TryWrite(item);
        if (_loops is null)
        {
            lock (_gate)
            {
                if (_loops is null)
                {
                    using (ExecutionContext.SuppressFlow())
                    {
                        _loops = Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(LoopAsync)));
                    }
                }
            }
        }
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<T>();
        try
        {
            while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                // Let work already queued on the thread pool (more starts, completions or publishes) join this batch.
                await Task.Yield();
                batch.Clear();
                var count = 0;
                while (count < maxBatch && reader.TryRead(out var item))
                {
                    batch.Add(item);
                    count += size?.Invoke(item) ?? 1;
                }

                // With several loops, all wake for one item and the others find the queue drained: skip their empty batch
                // (an empty report reached Redis as a script error, logged as a failed report).
                if (batch.Count > 0)
                {
                    await handle(batch).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}

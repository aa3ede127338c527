using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Tracking;
using Microsoft.Extensions.Logging;

namespace MageFlow.Hatchet.Orchestration.Publishing;

/// <summary>
/// Publishes signatures queued by calls (run, add to a swarm, close, resume) and by the sweeper. Requests that
/// arrive while a batch is in flight are coalesced into the next one: one Lua call claims them, one bulk trigger
/// starts them, one Lua call records who follows them. Their runs are followed at once.
/// </summary>
internal sealed class PublishQueue : IAsyncDisposable
{
    private readonly Publisher _publisher;
    private readonly RunFollower _follower;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Coalescer<Request> _requests;

    public PublishQueue(Publisher publisher, RunFollower follower, ILogger log)
    {
        _publisher = publisher;
        _follower = follower;
        _log = log;
        _requests = new(PublishBatchAsync, maxBatch: 500, loops: 2, size: r => r.Ids.Count, stopping: _stop.Token);
    }

    /// <summary>Publishes queued signatures and waits until their runs are started and followed.</summary>
    public Task PublishAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        var request = new Request(ids);
        _requests.Post(request);
        return request.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Hands queued signatures over without waiting: they are durably queued in Redis, and a failed publish is
    /// retried by the sweeper.</summary>
    public void Enqueue(IReadOnlyCollection<string> ids)
    {
        if (ids.Count > 0)
        {
            _requests.Post(new Request(ids));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _requests.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task PublishBatchAsync(List<Request> batch)
    {
        try
        {
            var ids = batch.SelectMany(r => r.Ids).Distinct(StringComparer.Ordinal).ToArray();
            var published = await _publisher.PublishAsync(ids, _stop.Token).ConfigureAwait(false);
            await _follower.TrackAsync(published, waitForWorkers: false, _stop.Token).ConfigureAwait(false);
            foreach (var r in batch)
            {
                r.Done.TrySetResult();
            }
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            // The signatures stay in the in-flight index; the sweeper publishes them again later. Any failure is caught
            // here: the publishers must go on with the next batches.
            MageFlowLog.PublishFailed(_log, e);
            foreach (var r in batch)
            {
                r.Done.TrySetException(e);
            }
        }
    }

    private sealed record Request(IReadOnlyCollection<string> Ids)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Collections.Concurrent;
using MageFlow.Hatchet.Orchestration.Exceptions;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Orchestration.Signatures;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration.Tracking;

/// <summary>
/// Waits for signatures to reach a final status. A top-level signature's end is announced on a Redis channel; a
/// contained one (or a missed announcement) is found by re-reading its record every second.
/// </summary>
internal sealed class FinishWaiter(IConnectionMultiplexer redis, RedisKeys keys, ScriptRunner runner, TimeProvider time) : IAsyncDisposable
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    public async Task StartAsync() =>
        await redis.GetSubscriber().SubscribeAsync(keys.FinishedChannel, (_, message) => Notify(message!)).ConfigureAwait(false);

    /// <summary>Waits until the signature is final and returns what it recorded.</summary>
    /// <exception cref="MageFlowStateException">The signature does not exist (removed or expired).</exception>
    public async Task<SignatureSnapshot> WaitAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var tcs = _waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var all = await runner.DoAsync(db => db.HashGetAllAsync(keys.Signature(id)), cancellationToken).ConfigureAwait(false);
            var snapshot = SignatureSnapshot.From(all);
            if (snapshot is null)
            {
                _waiters.TryRemove(id, out _);
                throw new MageFlowStateException($"signature {id} does not exist (it was removed or has expired)", "missing");
            }

            if (WireNames.IsFinal(snapshot.Status))
            {
                _waiters.TryRemove(id, out _);
                return snapshot;
            }

            // A missed notification only costs a re-check a little later.
            await Task.WhenAny(tcs.Task, Task.Delay(Recheck, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource>(id, tcs));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await redis.GetSubscriber().UnsubscribeAsync(keys.FinishedChannel).ConfigureAwait(false);
        foreach (var w in _waiters.Values)
        {
            w.TrySetCanceled();
        }
    }

    private void Notify(string id)
    {
        if (_waiters.TryGetValue(id, out var tcs))
        {
            tcs.TrySetResult();
        }
    }
}

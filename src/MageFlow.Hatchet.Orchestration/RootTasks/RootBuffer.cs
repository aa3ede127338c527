using MageFlow.Hatchet.Orchestration.Exceptions;
using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Signatures;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>
/// Coalesces the children a root body publishes into few <c>swarm_add</c> calls, so a body spawning thousands
/// of children does not pay a Redis round trip per child. Children are written within a few milliseconds,
/// at once when the buffer fills, before anyone waits on a result, and before the body's end closes the
/// swarm. If the process dies first, Hatchet runs the root body again and it re-adds the same children.
/// </summary>
// A SemaphoreSlim needs disposing only when its wait handle is used, and late timer flushes may still touch it.
#pragma warning disable CA1001
internal sealed class RootBuffer(MageFlowServices services, string swarmId, string swarmName)
#pragma warning restore CA1001
{
    private const int FlushAt = 500;
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(2);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private List<(Signature Task, object? Message)> _pending = [];
    private bool _timerArmed;
    private Exception? _failure;

    public async Task AddAsync(Signature task, object? message, CancellationToken cancellationToken)
    {
        bool flushNow;
        lock (_gate)
        {
            ThrowIfFailed();
            _pending.Add((task, message));
            flushNow = _pending.Count >= FlushAt;
            if (!flushNow && !_timerArmed)
            {
                _timerArmed = true;
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(Linger, services.Time, CancellationToken.None).ConfigureAwait(false);
                        await FlushAsync(CancellationToken.None, throwOnError: false).ConfigureAwait(false);
                    }, CancellationToken.None);
                }
            }
        }

        if (flushNow)
        {
            await FlushAsync(cancellationToken, throwOnError: true).ConfigureAwait(false);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken, bool throwOnError = true)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<(Signature Task, object? Message)> batch;
            lock (_gate)
            {
                batch = _pending;
                _pending = [];
                _timerArmed = false;
            }

            if (batch.Count > 0)
            {
                try
                {
                    if (!await new SwarmSignature(services, swarmId, swarmName).AddManyAsync(batch, cancelIfStopped: true, cancellationToken).ConfigureAwait(false))
                    {
                        // The root stopped (a failure, stopAfterNFailures, a cancel) while its body goes on: the body is not
                        // failed for it (that would cost a retry that fails the same way); the children are canceled.
                        foreach (var (child, _) in batch)
                        {
                            MageFlowLog.PublishedIntoStoppedRoot(services.Log, swarmName, swarmId, child.Id, child.Name);
                        }
                    }
                }
                catch (Exception e) when (e is MageFlowStateException or StackExchange.Redis.RedisException)
                {
                    lock (_gate)
                    {
                        _failure ??= e;
                    }
                }
            }

            if (throwOnError)
            {
                lock (_gate)
                {
                    ThrowIfFailed();
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } e)
        {
            throw new MageFlowStateException($"adding children to root swarm {swarmName} ({swarmId}) failed: {e.Message}", e is MageFlowStateException m ? m.Reason : "redis");
        }
    }
}

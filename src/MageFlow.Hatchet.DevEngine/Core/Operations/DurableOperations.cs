using MageFlow.Hatchet.DevEngine.Core.Durable;
using MageFlow.Hatchet.DevEngine.Core.Matching;
using MageFlow.Hatchet.DevEngine.Core.Runs;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Core.Operations;

/// <summary>Entry points of the older durable protocol; each takes the engine lock once.</summary>
internal sealed class DurableOperations(Lock gate, RunStore runs, DurableSignals signals, TimeProvider time)
{
    /// <summary><c>RegisterDurableEvent</c>: a durable task waits on conditions under a signal key.</summary>
    /// <param name="request">The request.</param>
    public void Register(RegisterDurableEventRequest request)
    {
        if (!Guid.TryParse(request.TaskId, out _))
        {
            throw EngineErrors.Invalid("task id is not a valid uuid");
        }

        var conditions = ConditionParser.FromDurable(request.Conditions);
        lock (gate)
        {
            if (!runs.TryGetTask(request.TaskId, out var task))
            {
                throw EngineErrors.NotFound($"task run not found: {request.TaskId}");
            }

            signals.Register(task, request.SignalKey, conditions, time.GetUtcNow());
        }
    }

    /// <summary>Opens a <c>ListenForDurableEvent</c> stream.</summary>
    /// <returns>The listener.</returns>
    public DurableEventListener Open()
    {
        lock (gate)
        {
            return signals.Open();
        }
    }

    /// <summary>A stream asks for a signal; an unknown or malformed task id is skipped, as Hatchet skips it.</summary>
    /// <param name="listener">The listener.</param>
    /// <param name="taskId">The task run's external id.</param>
    /// <param name="signalKey">The signal key.</param>
    public void Listen(DurableEventListener listener, string taskId, string signalKey)
    {
        lock (gate)
        {
            if (runs.TryGetTask(taskId, out var task))
            {
                DurableSignals.Listen(listener, task, signalKey);
            }
        }
    }

    /// <summary>Closes a stream.</summary>
    /// <param name="listener">The listener.</param>
    public void Close(DurableEventListener listener)
    {
        lock (gate)
        {
            signals.Close(listener);
        }
    }
}

using System.Text.Json;

namespace MageFlow.Hatchet.Tasks;

/// <summary>What a task context needs from the worker that runs it.</summary>
internal interface ITaskRunServices
{
    string WorkerId { get; }

    JsonSerializerOptions Json { get; }

    Task LogAsync(TaskContext context, string message, string level, CancellationToken cancellationToken);

    Task PutStreamAsync(TaskContext context, ReadOnlyMemory<byte> chunk, long index, CancellationToken cancellationToken);

    Task<DateTimeOffset> RefreshTimeoutAsync(TaskContext context, TimeSpan by, CancellationToken cancellationToken);

    Task ReleaseSlotAsync(TaskContext context, CancellationToken cancellationToken);

    /// <summary>Gets the clock of the client's options.</summary>
    TimeProvider Time { get; }

    /// <summary>Tells whether durable tasks use the event-log stream (the engine is v0.80.0 or later).</summary>
    Task<bool> UsesDurableEventLogAsync(CancellationToken cancellationToken);

    /// <summary>Gets the worker's durable event-log stream.</summary>
    Worker.DurableLogStream DurableLog { get; }

    /// <summary>Registers a durable wait under a signal key and waits for its match data.</summary>
    Task<string> WaitDurableAsync(TaskContext context, string signalKey, Protocol.V1.DurableEventListenerConditions conditions, CancellationToken cancellationToken);
}

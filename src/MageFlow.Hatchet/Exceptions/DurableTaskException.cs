namespace MageFlow.Hatchet.Exceptions;

/// <summary>
/// The engine refused a durable call of the event-log protocol. <see cref="IsNonDeterminism"/> is set when a replay of
/// the task asked for something else than its event log recorded at that point (a different sleep, event, spawn or
/// memo key): the task's code is not deterministic between its waits.
/// </summary>
public sealed class DurableTaskException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="DurableTaskException"/> class.</summary>
    /// <param name="message">The engine's message.</param>
    /// <param name="isNonDeterminism">Whether the replay diverged from the log.</param>
    /// <param name="nodeId">The log node the error is about (0 when none).</param>
    public DurableTaskException(string message, bool isNonDeterminism, long nodeId)
        : base(message)
    {
        IsNonDeterminism = isNonDeterminism;
        NodeId = nodeId;
    }

    /// <summary>Gets a value indicating whether the replay diverged from the recorded event log.</summary>
    public bool IsNonDeterminism { get; }

    /// <summary>Gets the event log node the error is about, or 0.</summary>
    public long NodeId { get; }
}

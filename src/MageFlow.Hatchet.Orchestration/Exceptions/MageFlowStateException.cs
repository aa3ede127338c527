using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Orchestration.Exceptions;

/// <summary>A MageFlow operation was refused because of the state in Redis (a closed swarm, a missing signature…).</summary>
public sealed class MageFlowStateException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="MageFlowStateException"/> class.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="reason">A short machine-readable reason (<c>closed</c>, <c>full</c>, <c>canceled</c>, <c>missing</c>…).</param>
    public MageFlowStateException(string message, string reason)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Gets the machine-readable reason.</summary>
    public string Reason { get; }
}

using MageFlow.Hatchet.Exceptions;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>A MageFlow operation was refused because of the state in Redis (a closed swarm, a missing signature…).</summary>
public sealed class MageflowStateException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="MageflowStateException"/> class.</summary>
    /// <param name="message">What was refused and why.</param>
    /// <param name="reason">A short machine-readable reason (<c>closed</c>, <c>full</c>, <c>canceled</c>, <c>missing</c>…).</param>
    public MageflowStateException(string message, string reason)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Gets the machine-readable reason.</summary>
    public string Reason { get; }
}

/// <summary>An awaited signature, chain or swarm failed.</summary>
public sealed class SignatureFailedException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="SignatureFailedException"/> class.</summary>
    /// <param name="signatureId">The signature's id.</param>
    /// <param name="status">The final status (failed or canceled).</param>
    /// <param name="error">The recorded error.</param>
    public SignatureFailedException(string signatureId, string status, string? error)
        : base($"signature {signatureId} ended {status}: {error}")
    {
        SignatureId = signatureId;
        Status = status;
        Error = error;
    }

    /// <summary>Gets the signature's id.</summary>
    public string SignatureId { get; }

    /// <summary>Gets the final status.</summary>
    public string Status { get; }

    /// <summary>Gets the recorded error.</summary>
    public string? Error { get; }
}

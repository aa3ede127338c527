using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Orchestration.State;

namespace MageFlow.Hatchet.Orchestration.Exceptions;

/// <summary>An awaited signature, chain or swarm failed or was cancelled.</summary>
public sealed class SignatureFailedException : HatchetException
{
    /// <summary>Initializes a new instance of the <see cref="SignatureFailedException"/> class.</summary>
    /// <param name="signatureId">The signature's id.</param>
    /// <param name="status">The final status (failed or canceled).</param>
    /// <param name="error">The recorded error.</param>
    public SignatureFailedException(string signatureId, SignatureStatus status, string? error)
        : base($"signature {signatureId} ended {WireNames.Of(status)}: {error}")
    {
        SignatureId = signatureId;
        Status = status;
        Error = error;
    }

    /// <summary>Gets the signature's id.</summary>
    public string SignatureId { get; }

    /// <summary>Gets the final status.</summary>
    public SignatureStatus Status { get; }

    /// <summary>Gets the recorded error.</summary>
    public string? Error { get; }
}

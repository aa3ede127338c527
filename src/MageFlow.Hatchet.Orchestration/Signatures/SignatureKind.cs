namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>What a signature describes.</summary>
public enum SignatureKind
{
    /// <summary>One task (or workflow) run.</summary>
    Task,

    /// <summary>Signatures run one after another, each getting the previous result.</summary>
    Chain,

    /// <summary>Signatures run in parallel under a concurrency limit.</summary>
    Swarm,
}

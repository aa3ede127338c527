using MageFlow.Hatchet.Orchestration.Internal;

namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>A chain of signatures run one after another.</summary>
public sealed class ChainSignature : Signature
{
    internal ChainSignature(MageFlowServices services, string id, string name)
        : base(services, id, SignatureKind.Chain, name)
    {
    }
}

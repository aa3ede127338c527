using MageFlow.Hatchet.Orchestration.Internal;

namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>A signed task.</summary>
public sealed class TaskSignature : Signature
{
    internal TaskSignature(MageFlowServices services, string id, string name)
        : base(services, id, SignatureKind.Task, name)
    {
    }
}

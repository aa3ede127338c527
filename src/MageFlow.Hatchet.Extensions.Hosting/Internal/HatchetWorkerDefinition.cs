using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Extensions.Hosting.Internal;

/// <summary>What <c>AddHatchetWorker</c> recorded for one worker: its name and how to declare its tasks once the client exists.</summary>
internal sealed class HatchetWorkerDefinition(string name)
{
    public string Name { get; } = name;

    public List<Func<HatchetClient, IServiceProvider, WorkflowDeclarationBase>> Declarations { get; } = [];
}

using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>The root swarm that publishes on the current async flow join.</summary>
/// <param name="Services">The MageFlow instance that runs the root (only its own signatures are captured).</param>
/// <param name="SwarmId">The root swarm's id.</param>
/// <param name="SwarmName">The root swarm's name (<c>root-swarm:&lt;task name&gt;</c>).</param>
/// <param name="Context">The root task's run.</param>
internal sealed record RootScope(MageFlowServices Services, string SwarmId, string SwarmName, TaskContext Context)
{
    public bool Excluded { get; init; }

    /// <summary>Gets the children added by the body but not yet written to the root swarm.</summary>
    public RootBuffer Buffer { get; } = new(Services, SwarmId, SwarmName);
}

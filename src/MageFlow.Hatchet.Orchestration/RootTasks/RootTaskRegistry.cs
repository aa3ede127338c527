using System.Runtime.CompilerServices;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>Which declared tasks are root tasks, and with what swarm limits. Keyed by the declaration itself, so it
/// lives exactly as long as the task does and needs no name.</summary>
internal static class RootTaskRegistry
{
    private static readonly ConditionalWeakTable<WorkflowDeclarationBase, SwarmConfig> Roots = [];

    public static void Register(WorkflowDeclarationBase task, SwarmConfig config) => Roots.AddOrUpdate(task, config);

    public static SwarmConfig? Find(WorkflowDeclarationBase task) => Roots.TryGetValue(task, out var config) ? config : null;
}

using System.Runtime.CompilerServices;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>Which declared tasks are root tasks, and how. Keyed by the declaration itself, so it lives exactly as long
/// as the task does and needs no name.</summary>
internal static class RootTaskRegistry
{
    private static readonly ConditionalWeakTable<WorkflowDeclarationBase, RootTaskOptions> Roots = [];

    public static void Register(WorkflowDeclarationBase task, RootTaskOptions options) => Roots.AddOrUpdate(task, options);

    public static RootTaskOptions? Find(WorkflowDeclarationBase task) => Roots.TryGetValue(task, out var options) ? options : null;
}

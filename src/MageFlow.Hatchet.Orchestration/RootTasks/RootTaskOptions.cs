using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>What <c>AsRoot</c> recorded for a root task: its swarm's limits and its registration-time callbacks.</summary>
/// <param name="Config">The root swarm's limits.</param>
/// <param name="SuccessCallbacks">Tasks each run of the root signs as success callbacks.</param>
/// <param name="ErrorCallbacks">Tasks each run of the root signs as error callbacks.</param>
internal sealed record RootTaskOptions(SwarmConfig Config, IReadOnlyList<WorkflowDeclarationBase> SuccessCallbacks, IReadOnlyList<WorkflowDeclarationBase> ErrorCallbacks);

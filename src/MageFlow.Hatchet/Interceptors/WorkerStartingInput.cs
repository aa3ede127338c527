using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Interceptors;

/// <summary>The input of <see cref="HatchetInterceptor.OnWorkerStartingAsync"/>.</summary>
/// <param name="WorkerName">The worker's name.</param>
/// <param name="Workflows">The workflows and tasks it serves.</param>
/// <param name="CancellationToken">Cancels the start.</param>
public sealed record WorkerStartingInput(string WorkerName, IReadOnlyList<WorkflowDeclarationBase> Workflows, CancellationToken CancellationToken);

namespace MageFlow.Hatchet.Interceptors;

/// <summary>The input of <see cref="HatchetInterceptor.TriggerAsync"/>: the runs of one trigger call.</summary>
/// <param name="Runs">The runs, each fully resolved. One for a single trigger, several for a bulk trigger.</param>
/// <param name="CancellationToken">Cancels the trigger call.</param>
/// <remarks>Immutable: to change what is sent, pass a copy made with <c>with</c> to the continuation.</remarks>
public sealed record TriggerInput(IReadOnlyList<TriggerRun> Runs, CancellationToken CancellationToken);

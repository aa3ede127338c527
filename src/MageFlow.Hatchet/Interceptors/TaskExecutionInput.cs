using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Interceptors;

/// <summary>The input of <see cref="HatchetInterceptor.ExecuteTaskAsync"/>: one task run on a worker.</summary>
/// <param name="Context">The run's context: ids, metadata, input, retries and the declaration it belongs to.</param>
public sealed record TaskExecutionInput(TaskContext Context);

using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>One task run in <see cref="RunDetails"/>.</summary>
/// <param name="ExternalId">The task run's external id.</param>
/// <param name="ReadableId">The task's name.</param>
/// <param name="Status">Its status.</param>
/// <param name="Output">Its output, once completed.</param>
/// <param name="Error">Its error, once failed or cancelled.</param>
internal sealed record TaskDetail(string ExternalId, string ReadableId, ExecutionStatus Status, string? Output, string? Error);

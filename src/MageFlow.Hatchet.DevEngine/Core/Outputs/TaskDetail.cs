using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>One task run in <see cref="RunDetails"/>.</summary>
/// <param name="ExternalId">The task run's external id.</param>
/// <param name="Task">The task's definition.</param>
/// <param name="ReadableId">The task's name.</param>
/// <param name="Status">Its status.</param>
/// <param name="Output">Its output, once completed.</param>
/// <param name="Error">Its error, once failed or cancelled.</param>
/// <param name="RetryCount">How often the engine has retried it.</param>
/// <param name="InsertedAt">When it was created.</param>
/// <param name="StartedAt">When its current attempt started, if it has.</param>
/// <param name="FinishedAt">When it finished, if it has.</param>
internal sealed record TaskDetail(
    string ExternalId,
    TaskDef Task,
    string ReadableId,
    ExecutionStatus Status,
    string? Output,
    string? Error,
    int RetryCount,
    DateTimeOffset InsertedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

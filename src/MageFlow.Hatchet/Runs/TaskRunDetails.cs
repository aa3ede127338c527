using System.Text.Json;

namespace MageFlow.Hatchet.Runs;

/// <summary>One task run of <see cref="RunDetails"/>.</summary>
/// <param name="TaskExternalId">The task run id (what <see cref="Logs.LogsClient.ListAsync"/> takes).</param>
/// <param name="TaskName">The task's name.</param>
/// <param name="Status">Its status.</param>
/// <param name="RetryCount">How many times it was retried.</param>
/// <param name="Output">Its output; an empty object until it completes.</param>
/// <param name="ErrorMessage">Its error, if it failed.</param>
/// <param name="StartedAt">When it started, if it has.</param>
/// <param name="FinishedAt">When it finished, if it has.</param>
public sealed record TaskRunDetails(
    string TaskExternalId,
    string TaskName,
    RunStatus Status,
    int RetryCount,
    JsonElement Output,
    string? ErrorMessage,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

namespace MageFlow.Hatchet.Runs;

/// <summary>What one task run of a finished workflow run produced: an output or an error.</summary>
/// <param name="TaskName">The task's readable name.</param>
/// <param name="TaskRunExternalId">The task run id.</param>
/// <param name="OutputJson">The output as JSON text when it completed, else <see langword="null"/>.</param>
/// <param name="Error">The error when it failed or was cancelled, else <see langword="null"/>.</param>
public sealed record TaskRunOutcome(string TaskName, string TaskRunExternalId, string? OutputJson, string? Error);

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>One task's result in a finished run: exactly one of <paramref name="Output"/> and <paramref name="Error"/> is set.</summary>
/// <param name="TaskRunExternalId">The task run's external id.</param>
/// <param name="TaskName">The task's name.</param>
/// <param name="Output">The output JSON of a completed task.</param>
/// <param name="Error">The error of a task that did not complete.</param>
internal readonly record struct TaskResult(string TaskRunExternalId, string TaskName, string? Output, string? Error);

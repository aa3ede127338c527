namespace MageFlow.Hatchet.Workflows;

/// <summary>A version of a registered workflow (Hatchet's <c>WorkflowVersion</c>, reduced to what callers use).</summary>
/// <param name="Id">The version's id.</param>
/// <param name="Version">The version's name (the one declared, or the id when none was).</param>
/// <param name="WorkflowId">The workflow's id.</param>
/// <param name="EventTriggers">The event keys that trigger it.</param>
/// <param name="CronTriggers">The cron expressions it declares.</param>
/// <param name="Tasks">The readable ids of its tasks.</param>
/// <param name="CreatedAt">When the version was registered.</param>
public sealed record WorkflowVersionInfo(
    string Id,
    string Version,
    string WorkflowId,
    IReadOnlyList<string> EventTriggers,
    IReadOnlyList<string> CronTriggers,
    IReadOnlyList<string> Tasks,
    DateTimeOffset CreatedAt);

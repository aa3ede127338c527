namespace MageFlow.Hatchet.Workflows;

/// <summary>A workflow registered on the engine (Hatchet's <c>Workflow</c>).</summary>
/// <param name="Id">The workflow's id.</param>
/// <param name="Name">Its engine name (namespace applied, lower case).</param>
/// <param name="IsPaused">Whether the engine holds its runs.</param>
/// <param name="CreatedAt">When it was first registered.</param>
public sealed record WorkflowInfo(string Id, string Name, bool IsPaused, DateTimeOffset CreatedAt);

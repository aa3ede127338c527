namespace MageFlow.Hatchet.Interceptors;

/// <summary>The task run that spawns a child run.</summary>
/// <param name="WorkflowRunId">The parent's workflow run id.</param>
/// <param name="TaskRunExternalId">The parent's task run id.</param>
/// <param name="ChildIndex">The child's position among the parent's children (0, 1, …), which the engine dedupes on.</param>
public sealed record TriggerParent(string WorkflowRunId, string TaskRunExternalId, int ChildIndex);

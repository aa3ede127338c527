namespace MageFlow.Hatchet.Orchestration.Inspection;

/// <summary>What a node of a flow is, as the viewer draws it.</summary>
public enum FlowNodeKind
{
    /// <summary>One task run (a signature of a task or workflow).</summary>
    Task,

    /// <summary>Tasks run one after another.</summary>
    Chain,

    /// <summary>Tasks run in parallel under a concurrency limit.</summary>
    Swarm,

    /// <summary>A root task: its body, and the children it published (its root swarm, shown as the root's children).</summary>
    Root,
}

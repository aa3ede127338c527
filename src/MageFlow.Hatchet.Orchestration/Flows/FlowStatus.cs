namespace MageFlow.Hatchet.Orchestration.Flows;

/// <summary>How a whole flow (a root with all its children, a swarm, a chain, or a task) ended.</summary>
public enum FlowStatus
{
    /// <summary>Everything succeeded.</summary>
    Done,

    /// <summary>The flow failed: its root's body failed for good, a swarm stopped after its failures, or a chain step failed.</summary>
    Failed,

    /// <summary>The flow was cancelled.</summary>
    Canceled,
}

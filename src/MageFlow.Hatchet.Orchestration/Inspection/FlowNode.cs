namespace MageFlow.Hatchet.Orchestration.Inspection;

/// <summary>
/// One node with everything a detail panel shows: its summary, where it belongs, its input and outcome (values longer
/// than the inspector's limit are cut, and flagged), its callbacks, and one page of its children.
/// </summary>
/// <param name="Summary">What it is and where it stands.</param>
public sealed record FlowNode(FlowNodeSummary Summary)
{
    /// <summary>Gets the container (chain or swarm) it is an item of, or <see langword="null"/> for a top-level signature.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Gets the root swarm of a root task, which holds its children and its callbacks.</summary>
    public string? RootSwarmId { get; init; }

    /// <summary>Gets the input (JSON), as the run started with it.</summary>
    public string? Input { get; init; }

    /// <summary>Gets the result (JSON) once it succeeded.</summary>
    public string? Result { get; init; }

    /// <summary>Gets the error once it failed.</summary>
    public string? Error { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Input"/>, <see cref="Result"/> or <see cref="Error"/> was cut.</summary>
    public bool Truncated { get; init; }

    /// <summary>Gets the callbacks that run when it succeeds.</summary>
    public IReadOnlyList<FlowNodeSummary> SuccessCallbacks { get; init; } = [];

    /// <summary>Gets the callbacks that run when it fails.</summary>
    public IReadOnlyList<FlowNodeSummary> ErrorCallbacks { get; init; } = [];

    /// <summary>Gets one page of its children (items of a chain, swarm or root), in their order; empty for a task.</summary>
    public FlowNodePage Children { get; init; } = new([], 0, 0, false);
}

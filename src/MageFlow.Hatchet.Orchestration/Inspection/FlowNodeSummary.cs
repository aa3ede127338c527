using MageFlow.Hatchet.Orchestration.Flows;
using MageFlow.Hatchet.Orchestration.Signatures;

namespace MageFlow.Hatchet.Orchestration.Inspection;

/// <summary>One node of a flow as a list or a tree shows it: what it is, where it stands, and its children's counts.</summary>
/// <param name="Id">The signature id (for a root, the root task's signature).</param>
/// <param name="Kind">What it is.</param>
/// <param name="Name">The task's engine name, or the container's name.</param>
/// <param name="Status">Its status; a root's is its root swarm's, which ends after the body and every child.</param>
public sealed record FlowNodeSummary(string Id, FlowNodeKind Kind, string Name, SignatureStatus Status)
{
    /// <summary>Gets when the record was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets when it started: a task's run began on a worker, or a container was started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when it reached its final status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the engine run id of a task, once a worker started it.</summary>
    public string? RunId { get; init; }

    /// <summary>Gets the children's counts of a chain, swarm or root; <see langword="null"/> for a task.</summary>
    public FlowProgress? Progress { get; init; }

    /// <summary>Gets the status of a root task's own body (its signature), which may end before its children.</summary>
    public SignatureStatus? BodyStatus { get; init; }
}

using MageFlow.Hatchet.DevEngine.Core.Matching;
using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>
/// One node of a durable task's event log. Node ids restart at 1 with every invocation, so a replay asks for the same
/// (node, branch) again and finds what the earlier invocation recorded: the idempotency key tells whether it asks for
/// the same thing (else it is a nondeterminism error), the result lets it skip the work.
/// </summary>
/// <param name="task">The durable task run.</param>
/// <param name="kind">What the entry records.</param>
/// <param name="nodeId">The node id.</param>
/// <param name="branchId">The branch id.</param>
/// <param name="idempotencyKey">What the call asked for, hashed (or the memo key).</param>
/// <param name="description">How the call reads in a nondeterminism error (<c>sleep(2s)</c>, <c>run(name)</c>, <c>memo</c>).</param>
internal sealed class DurableLogEntry(TaskRun task, DurableLogEntryKind kind, long nodeId, long branchId, string idempotencyKey, string description)
{
    public TaskRun Task { get; } = task;

    public DurableLogEntryKind Kind { get; } = kind;

    public long NodeId { get; } = nodeId;

    public long BranchId { get; } = branchId;

    public string IdempotencyKey { get; } = idempotencyKey;

    public string Description { get; } = description;

    /// <summary>Gets or sets a value indicating whether the entry is done (memo completed, wait over, child ended).</summary>
    public bool IsSatisfied { get; set; }

    /// <summary>Gets or sets the result: the memoized value, the wait's match data, the child's output (JSON bytes).</summary>
    public byte[]? Result { get; set; }

    /// <summary>Gets or sets the order in which the entry was satisfied among the log's waits and runs (memos have none).</summary>
    public long? SatisfiedOrder { get; set; }

    /// <summary>Gets or sets a value indicating whether a child run failed or was cancelled.</summary>
    public bool IsFailure { get; set; }

    /// <summary>Gets or sets the child's error when <see cref="IsFailure"/>.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Gets or sets the id of the child run of a <see cref="DurableLogEntryKind.Run"/> entry.</summary>
    public string? ChildRunId { get; set; }

    /// <summary>Gets or sets the pending match of a <see cref="DurableLogEntryKind.WaitFor"/> entry.</summary>
    public ConditionMatch? Match { get; set; }
}

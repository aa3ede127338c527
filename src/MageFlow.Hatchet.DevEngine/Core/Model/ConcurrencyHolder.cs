namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>Something that holds or waits for concurrency-group slots: a workflow run or a task run.</summary>
internal abstract class ConcurrencyHolder
{
    /// <summary>Gets the groups this holder has a slot in, with its node in each group's holder list (for O(1) removal).</summary>
    public List<(ConcurrencyGroup Group, LinkedListNode<ConcurrencyHolder> Node)> Held { get; } = [];

    /// <summary>Gets or sets the group this holder waits in, if any.</summary>
    public ConcurrencyGroup? WaitingOn { get; set; }

    /// <summary>Gets or sets this holder's node in <see cref="WaitingOn"/>'s waiting list.</summary>
    public LinkedListNode<ConcurrencyHolder>? WaitingNode { get; set; }

    /// <summary>Gets the limits this holder must pass.</summary>
    public abstract IReadOnlyList<ConcurrencyRule> ConcurrencyRules { get; }

    /// <summary>Gets the run whose input and metadata give the group keys.</summary>
    public abstract WorkflowRun KeySource { get; }

    /// <summary>Gets the priority that orders this holder among the waiters of a group (higher first).</summary>
    public int WaitPriority => KeySource.Priority;
}

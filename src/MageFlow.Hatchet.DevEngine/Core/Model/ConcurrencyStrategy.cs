namespace MageFlow.Hatchet.DevEngine.Core.Model;

/// <summary>What a full concurrency group does with a newcomer.</summary>
internal enum ConcurrencyStrategy
{
    /// <summary>The newcomer waits for a slot, behind waiters of its priority and ahead of lower ones (Hatchet's <c>GROUP_ROUND_ROBIN</c>).</summary>
    WaitForSlot,

    /// <summary>The oldest holders are cancelled to make room (<c>CANCEL_IN_PROGRESS</c>).</summary>
    CancelInProgress,

    /// <summary>The newcomer is cancelled (<c>CANCEL_NEWEST</c>).</summary>
    CancelNewest,
}

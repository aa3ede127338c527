using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Concurrency;

/// <summary>
/// What concurrency admission needs the run lifecycle to do while it decides. Admission and the lifecycle
/// depend on each other: the lifecycle asks admission for slots, and admission must cancel holders
/// (<c>CANCEL_IN_PROGRESS</c>, <c>CANCEL_NEWEST</c>) and start waiters a released slot lets in. Those effects
/// have to happen in the middle of admission's loops (a cancelled holder frees slots in other groups before the
/// next group is checked), so returning a list of decisions would change the outcome. The lifecycle therefore
/// passes this narrow interface with each call; admission holds no reference to it.
/// </summary>
internal interface IAdmissionCallbacks
{
    /// <summary>Cancels a holder a full group pushes out (or the newcomer a full group refuses).</summary>
    /// <param name="holder">The run or task run to cancel.</param>
    /// <param name="reason">The error recorded on the cancelled tasks.</param>
    void Evict(ConcurrencyHolder holder, string reason);

    /// <summary>Tells whether a waiter still wants its slot (it may have finished or moved on meanwhile).</summary>
    /// <param name="waiter">The run or task run that waited.</param>
    /// <returns><see langword="true"/> when it should be admitted now.</returns>
    bool StillWaiting(ConcurrencyHolder waiter);

    /// <summary>Lets an admitted waiter go on: a run starts, a task run is queued.</summary>
    /// <param name="waiter">The run or task run that got its slots.</param>
    void Admitted(ConcurrencyHolder waiter);
}

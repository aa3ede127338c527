using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Concurrency;

/// <summary>
/// Concurrency limits: a holder (run or task run) takes a slot in one group per rule, or waits, or is
/// cancelled, or cancels older holders, by the rule's strategy. Releasing slots admits waiters in order.
/// Stateless: the groups live in the rules (<see cref="ConcurrencyRule.GroupFor"/>) and the holders in the groups.
/// </summary>
internal static class ConcurrencyAdmission
{
    /// <summary>Tries to take a slot in every group of the holder's rules.</summary>
    /// <param name="holder">The run or task run.</param>
    /// <param name="callbacks">Carries out evictions while the decision is made.</param>
    /// <returns><see langword="true"/> when admitted; otherwise the holder waits or was cancelled.</returns>
    public static bool TryAdmit(ConcurrencyHolder holder, IAdmissionCallbacks callbacks)
    {
        var rules = holder.ConcurrencyRules;
        var groups = new List<ConcurrencyGroup>(rules.Count);
        foreach (var rule in rules)
        {
            groups.Add(rule.GroupFor(rule.KeyFor(holder.KeySource)));
        }

        foreach (var group in groups)
        {
            if (!group.IsFull)
            {
                continue;
            }

            switch (group.Rule.Strategy)
            {
                case ConcurrencyStrategy.CancelInProgress:
                    while (group.IsFull && group.Holders.First is { } oldest)
                    {
                        callbacks.Evict(oldest.Value, $"cancelled by concurrency limit '{group.Rule.Expression}' (CANCEL_IN_PROGRESS): a newer run took its place");
                    }

                    break;
                case ConcurrencyStrategy.CancelNewest:
                    callbacks.Evict(holder, $"cancelled by concurrency limit '{group.Rule.Expression}' (CANCEL_NEWEST): group '{group.Key}' is full");
                    return false;
                default:
                    holder.WaitingOn = group;
                    holder.WaitingNode = JoinWaitingLine(group.Waiting, holder);
                    return false;
            }
        }

        foreach (var group in groups)
        {
            holder.Held.Add((group, group.Holders.AddLast(holder)));
        }

        return true;
    }

    /// <summary>Gives up the holder's slots (and its place in a waiting line), then admits waiters into the freed slots.</summary>
    /// <param name="holder">The run or task run that finished or was cancelled.</param>
    /// <param name="callbacks">Starts the admitted waiters and carries out evictions their admission causes.</param>
    public static void Release(ConcurrencyHolder holder, IAdmissionCallbacks callbacks)
    {
        if (holder.WaitingNode is not null)
        {
            holder.WaitingOn!.Waiting.Remove(holder.WaitingNode);
            holder.WaitingNode = null;
            holder.WaitingOn = null;
        }

        if (holder.Held.Count == 0)
        {
            return;
        }

        var released = holder.Held.ToArray();
        holder.Held.Clear();
        foreach (var (group, node) in released)
        {
            group.Holders.Remove(node);
        }

        foreach (var (group, _) in released)
        {
            while (!group.IsFull && group.Waiting.First is { } next)
            {
                group.Waiting.RemoveFirst();
                var waiter = next.Value;
                waiter.WaitingNode = null;
                waiter.WaitingOn = null;
                if (callbacks.StillWaiting(waiter) && TryAdmit(waiter, callbacks))
                {
                    callbacks.Admitted(waiter);
                }
            }
        }
    }

    /// <summary>
    /// Places a waiter behind every waiter of its priority or higher: Hatchet lets waiters in by priority, then oldest
    /// first (RunParentGroupRoundRobin in pkg/repository/sqlcv1/concurrency.sql orders by priority DESC, sort_id ASC;
    /// the in-memory index for task-level strategies uses the same order, priorityCompare in
    /// pkg/scheduling/v1/concurrency/heap.go).
    /// </summary>
    private static LinkedListNode<ConcurrencyHolder> JoinWaitingLine(LinkedList<ConcurrencyHolder> line, ConcurrencyHolder holder)
    {
        var ahead = line.Last;
        while (ahead is not null && ahead.Value.WaitPriority < holder.WaitPriority)
        {
            ahead = ahead.Previous;
        }

        return ahead is null ? line.AddFirst(holder) : line.AddAfter(ahead, holder);
    }
}

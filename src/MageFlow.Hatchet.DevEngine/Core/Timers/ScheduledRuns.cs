using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Timers;

/// <summary>
/// Runs that <c>ScheduleWorkflow</c> (or REST) asked for at a later time: pending until due, then kept with the run they
/// started, as Hatchet keeps a schedule's row after it fires (its list shows the run). Fired schedules are bounded, oldest
/// forgotten first.
/// </summary>
internal sealed class ScheduledRuns
{
    private const int MaxFired = 10_000;
    private readonly List<ScheduledTrigger> _pending = [];
    private readonly Queue<ScheduledTrigger> _fired = new();

    /// <summary>Adds a scheduled run.</summary>
    /// <param name="scheduled">The scheduled run.</param>
    public void Add(ScheduledTrigger scheduled) => _pending.Add(scheduled);

    /// <summary>Gets the schedules, fired ones (oldest first) then pending ones (in the order they were added).</summary>
    public IEnumerable<ScheduledTrigger> All => _fired.Where(s => !s.Deleted).Concat(_pending);

    /// <summary>Removes a schedule: a pending one never fires.</summary>
    /// <param name="id">The schedule's id.</param>
    /// <returns><see langword="true"/> when there was one.</returns>
    public bool Remove(string id)
    {
        if (_pending.RemoveAll(s => s.Id == id) > 0)
        {
            return true;
        }

        // A fired schedule is only marked: the queue keeps its order for the bound.
        var fired = _fired.FirstOrDefault(s => s.Id == id && !s.Deleted);
        if (fired is not null)
        {
            fired.Deleted = true;
        }

        return fired is not null;
    }

    /// <summary>Drops the pending schedules of a deleted workflow, so they never fire.</summary>
    /// <param name="workflowName">The workflow's name.</param>
    public void RemoveWorkflow(string workflowName) => _pending.RemoveAll(s => s.Request.WorkflowName == workflowName);

    /// <summary>Takes a pending schedule out of the queue, as one started ahead of its time.</summary>
    /// <param name="id">The schedule's id.</param>
    public void TakeById(string id) => _pending.RemoveAll(s => s.Id == id);

    /// <summary>Records the run a due schedule started.</summary>
    /// <param name="scheduled">The schedule, from <see cref="TakeDue"/>.</param>
    /// <param name="runId">The run it started.</param>
    public void MarkFired(ScheduledTrigger scheduled, string runId)
    {
        scheduled.RunId = runId;
        _fired.Enqueue(scheduled);
        while (_fired.Count > MaxFired)
        {
            _fired.Dequeue();
        }
    }

    /// <summary>Removes and returns the scheduled runs that are due, latest-added first.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The due runs, or <see langword="null"/> when none are due.</returns>
    public List<ScheduledTrigger>? TakeDue(DateTimeOffset now)
    {
        List<ScheduledTrigger>? due = null;
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            if (_pending[i].At <= now)
            {
                (due ??= []).Add(_pending[i]);
                _pending.RemoveAt(i);
            }
        }

        return due;
    }
}

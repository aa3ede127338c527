using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Timers;

/// <summary>Runs that <c>ScheduleWorkflow</c> asked for at a later time, until they are due.</summary>
internal sealed class ScheduledRuns
{
    private readonly List<ScheduledTrigger> _pending = [];

    /// <summary>Adds a scheduled run.</summary>
    /// <param name="scheduled">The scheduled run.</param>
    public void Add(ScheduledTrigger scheduled) => _pending.Add(scheduled);

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

using System.Globalization;
using MageFlow.Hatchet.DevEngine.Core.Model;

namespace MageFlow.Hatchet.DevEngine.Core.Runs;

/// <summary>
/// A task that waits past its schedule timeout, for a worker or for a concurrency slot, is cancelled, not failed:
/// Hatchet's scheduler turns it into a cancellation with the reason SCHEDULING_TIMED_OUT (the SchedulingTimedOut
/// results in internal/services/scheduler/v1/scheduler.go; queued concurrency slots expire in
/// pkg/scheduling/v1/concurrency/strategy.go). So it spends no retry and starts no on-failure task. Each stage of
/// waiting (a concurrency group, then the worker queue) gets the whole timeout from when it starts, as every new slot
/// or queue item gets <c>now + schedule_timeout</c>.
/// </summary>
internal static class SchedulingTimeout
{
    /// <summary>Hatchet's reason for the cancellation, which starts the recorded error.</summary>
    public const string Reason = "SCHEDULING_TIMED_OUT";

    /// <summary>Gets the error recorded on a task cancelled for waiting too long where it waits now.</summary>
    /// <param name="task">The task run, queued or waiting for a concurrency slot.</param>
    /// <returns>The error.</returns>
    public static string ErrorFor(TaskRun task)
    {
        var seconds = task.Def.ScheduleTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        return task.State == TaskState.ConcurrencyWait
            ? $"{Reason}: the task waited for a concurrency slot longer than its schedule timeout of {seconds}s"
            : $"{Reason}: no worker took the task within its schedule timeout of {seconds}s";
    }
}

namespace MageFlow.Hatchet.DevEngine.Core.Durable;

/// <summary>What an entry of a durable event log records (Hatchet's <c>v1_durable_event_log_kind</c>).</summary>
internal enum DurableLogEntryKind
{
    /// <summary>A memoized value (<c>memo</c>, <c>complete_memo</c>).</summary>
    Memo,

    /// <summary>A child run spawned through the log (<c>trigger_runs</c>).</summary>
    Run,

    /// <summary>A wait on sleep and user-event conditions (<c>wait_for</c>).</summary>
    WaitFor,
}

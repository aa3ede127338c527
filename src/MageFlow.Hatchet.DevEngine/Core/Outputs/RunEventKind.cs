namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>What a <see cref="RunEvent"/> reports: a task run's step (or stream chunk), or the end of the run.</summary>
internal enum RunEventKind
{
    /// <summary>A task run was created (Hatchet reports its creation as STARTED).</summary>
    TaskStarted,

    /// <summary>A task run completed; the payload is its output.</summary>
    TaskCompleted,

    /// <summary>An attempt of a task run failed; the payload is the error.</summary>
    TaskFailed,

    /// <summary>A task run was cancelled.</summary>
    TaskCancelled,

    /// <summary>A chunk a task run streamed (<c>PutStreamEvent</c>).</summary>
    TaskStream,

    /// <summary>The run completed.</summary>
    RunCompleted,

    /// <summary>The run failed.</summary>
    RunFailed,

    /// <summary>The run was cancelled.</summary>
    RunCancelled,
}

namespace MageFlow.Hatchet.Runs;

/// <summary>What a <see cref="RunStreamEvent"/> reports.</summary>
public enum RunStreamEventKind
{
    /// <summary>A task run was created (Hatchet reports this as the task's STARTED event).</summary>
    TaskStarted,

    /// <summary>A task run completed; the payload is its output JSON.</summary>
    TaskCompleted,

    /// <summary>An attempt of a task run failed; the payload is the error.</summary>
    TaskFailed,

    /// <summary>A task run was cancelled.</summary>
    TaskCancelled,

    /// <summary>A task run timed out.</summary>
    TaskTimedOut,

    /// <summary>A chunk a task streamed with <see cref="Tasks.TaskContext.PutStreamAsync(string, CancellationToken)"/>; the payload is its text.</summary>
    TaskStream,

    /// <summary>The run completed.</summary>
    RunCompleted,

    /// <summary>The run failed.</summary>
    RunFailed,

    /// <summary>The run was cancelled.</summary>
    RunCancelled,

    /// <summary>The run timed out.</summary>
    RunTimedOut,

    /// <summary>An event this SDK does not know.</summary>
    Unknown,
}

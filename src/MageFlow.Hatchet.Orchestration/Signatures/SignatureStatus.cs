namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>Where a signature is in its lifecycle.</summary>
public enum SignatureStatus
{
    /// <summary>Created, not started.</summary>
    Pending,

    /// <summary>Running (a task's run started; a chain or swarm was started).</summary>
    Active,

    /// <summary>Held: work that has not started waits for a resume; running tasks keep running.</summary>
    Suspended,

    /// <summary>Held, and its running tasks were cancelled in the engine; a resume starts them again.</summary>
    Interrupted,

    /// <summary>Finished successfully (final).</summary>
    Done,

    /// <summary>Failed for good (final).</summary>
    Failed,

    /// <summary>Cancelled: it never runs again and its callbacks never fire (final).</summary>
    Canceled,
}

namespace MageFlow.Hatchet.Orchestration.Viewer;

/// <summary>What the viewer's action buttons do to a node (each is the node's own lifecycle call).</summary>
public enum ViewerAction
{
    /// <summary><see cref="Signatures.Signature.SuspendAsync"/>: work not started waits for a resume.</summary>
    Suspend,

    /// <summary><see cref="Signatures.Signature.InterruptAsync"/>: like suspend, and running tasks are cancelled.</summary>
    Interrupt,

    /// <summary><see cref="Signatures.Signature.ResumeAsync"/>: held work starts again.</summary>
    Resume,

    /// <summary><see cref="Signatures.Signature.CancelAsync"/>: it and everything in it never runs.</summary>
    Cancel,

    /// <summary><see cref="Signatures.Signature.RetryAsync"/>: a failed task runs again.</summary>
    Retry,
}

namespace MageFlow.Hatchet.DevEngine.Core.Outputs;

/// <summary>What the engine tells a worker to do.</summary>
internal enum WorkerActionKind
{
    /// <summary>Start an attempt of a task.</summary>
    StartTask,

    /// <summary>Stop the attempt it is running.</summary>
    CancelTask,
}

namespace MageFlow.Hatchet.Runs;

/// <summary>Where a run or task run stands, as the engine's REST API reports it (<c>V1TaskStatus</c>).</summary>
public enum RunStatus
{
    /// <summary>Waiting for a worker.</summary>
    Queued,

    /// <summary>Running on a worker.</summary>
    Running,

    /// <summary>Finished with a result.</summary>
    Completed,

    /// <summary>Finished with an error.</summary>
    Failed,

    /// <summary>Cancelled.</summary>
    Cancelled,
}

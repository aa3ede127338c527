namespace MageFlow.Hatchet.Samples.WorkerService;

/// <summary>The names of the sample's worker and tasks.</summary>
internal static class Names
{
    public const string Worker = "worker-service-sample";
    public const string ProcessItem = "worker-service-process-item";
    public const string ProcessBatch = "worker-service-process-batch";
    public const string BatchDone = "worker-service-batch-done";
}

using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services.Mapping;

/// <summary>Turns a <see cref="FinishedRun"/> into the <c>FINISHED</c> <c>WorkflowRunEvent</c> of <c>SubscribeToWorkflowRuns</c>.</summary>
internal static class RunEventMapper
{
    // Hatchet drops the results of a run whose outputs and errors exceed 3 MB; the event still says it finished.
    private const int MaxResultBytes = 3 * 1024 * 1024;

    /// <summary>Builds the wire message.</summary>
    /// <param name="finished">The snapshot.</param>
    /// <returns>The message.</returns>
    public static WorkflowRunEvent ToWire(in FinishedRun finished)
    {
        var wire = new WorkflowRunEvent
        {
            WorkflowRunId = finished.RunId,
            EventType = WorkflowRunEventType.Finished,
            EventTimestamp = Timestamp.FromDateTimeOffset(finished.FinishedAt),
        };
        var results = finished.Results;
        var size = 0;
        for (var i = 0; i < results.Count; i++)
        {
            size += (results[i].Output ?? results[i].Error)!.Length;
        }

        if (size > MaxResultBytes)
        {
            return wire;
        }

        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var result = new StepRunResult { TaskRunExternalId = r.TaskRunExternalId, TaskName = r.TaskName, JobRunId = r.TaskRunExternalId };
            if (r.Output is not null)
            {
                result.Output = r.Output;
            }
            else
            {
                result.Error = r.Error;
            }

            wire.Results.Add(result);
        }

        return wire;
    }
}

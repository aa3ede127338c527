using System.Text;
using Google.Protobuf.WellKnownTypes;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services.Mapping;

/// <summary>Turns a <see cref="FinishedRun"/> into the <c>FINISHED</c> <c>WorkflowRunEvent</c> of <c>SubscribeToWorkflowRuns</c>.</summary>
internal static class RunEventMapper
{
    /// <summary>What Hatchet's dispatcher sends in place of an error too large for the event.</summary>
    internal const string ErrorTooLarge = "Error is too large to send over the Hatchet stream.";

    /// <summary>Builds the wire message, with the results trimmed as Hatchet trims them (<c>cleanResults</c> in
    /// internal/services/dispatcher/server.go): the threshold is the engine's gRPC message limit; when the outputs alone
    /// reach it the event carries no results at all (SDKs then read them over REST), and otherwise errors too large for
    /// their share are replaced by a fixed text.</summary>
    /// <param name="finished">The snapshot.</param>
    /// <param name="threshold">The engine's gRPC message limit in bytes.</param>
    /// <returns>The message.</returns>
    public static WorkflowRunEvent ToWire(in FinishedRun finished, int threshold)
    {
        var wire = new WorkflowRunEvent
        {
            WorkflowRunId = finished.RunId,
            EventType = WorkflowRunEventType.Finished,
            EventTimestamp = Timestamp.FromDateTimeOffset(finished.FinishedAt),
        };
        var results = finished.Results;
        var (total, outputs) = Sizes(results, errorLimit: int.MaxValue);
        var errorLimit = int.MaxValue;
        if (total >= threshold)
        {
            if (outputs >= threshold)
            {
                return wire;
            }

            // Hatchet's own arithmetic (Go's integer division), so the same errors are cut.
            errorLimit = (threshold - outputs) / results.Count;
            if (Sizes(results, errorLimit).Total > threshold)
            {
                return wire;
            }
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
                result.Error = Encoding.UTF8.GetByteCount(r.Error!) > errorLimit ? ErrorTooLarge : r.Error;
            }

            wire.Results.Add(result);
        }

        return wire;
    }

    /// <summary>Sizes in bytes, as Go's <c>len</c> of a string counts them; errors over <paramref name="errorLimit"/>
    /// count as the fixed text that replaces them.</summary>
    private static (int Total, int Outputs) Sizes(IReadOnlyList<TaskResult> results, int errorLimit)
    {
        int total = 0, outputs = 0;
        for (var i = 0; i < results.Count; i++)
        {
            if (results[i].Output is { } output)
            {
                var n = Encoding.UTF8.GetByteCount(output);
                total += n;
                outputs += n;
            }
            else if (results[i].Error is { } error)
            {
                var n = Encoding.UTF8.GetByteCount(error);
                total += n > errorLimit ? ErrorTooLarge.Length : n;
            }
        }

        return (total, outputs);
    }
}

using Google.Protobuf;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Outputs;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.DevEngine.Services.Mapping;

/// <summary>Turns <see cref="RunDetails"/> into a <c>GetRunDetailsResponse</c>.</summary>
internal static class RunDetailsMapper
{
    /// <summary>Builds the wire message.</summary>
    /// <param name="details">The snapshot.</param>
    /// <returns>The message.</returns>
    public static GetRunDetailsResponse ToWire(RunDetails details)
    {
        var wire = new GetRunDetailsResponse
        {
            Input = ByteString.CopyFromUtf8(details.InputJson),
            AdditionalMetadata = ByteString.CopyFromUtf8(details.MetadataJson),
            Status = ToWire(details.Status),
            Done = details.Done,
        };
        foreach (var t in details.Tasks)
        {
            var detail = new TaskRunDetail { ExternalId = t.ExternalId, ReadableId = t.ReadableId, Status = ToWire(t.Status) };
            if (t.Output is not null)
            {
                detail.Output = ByteString.CopyFromUtf8(t.Output);
            }
            else if (t.Error is not null)
            {
                detail.Error = t.Error;
            }

            // Keyed by task name; the on-failure task comes last.
            wire.TaskRuns[t.ReadableId] = detail;
        }

        return wire;
    }

    private static RunStatus ToWire(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => RunStatus.Running,
        ExecutionStatus.Completed => RunStatus.Completed,
        ExecutionStatus.Failed => RunStatus.Failed,
        ExecutionStatus.Cancelled => RunStatus.Cancelled,
        _ => RunStatus.Queued,
    };
}

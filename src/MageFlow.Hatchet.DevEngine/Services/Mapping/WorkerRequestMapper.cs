using Google.Protobuf.Collections;
using MageFlow.Hatchet.DevEngine.Core.Model;
using MageFlow.Hatchet.DevEngine.Core.Requests;
using MageFlow.Hatchet.Protocol;

namespace MageFlow.Hatchet.DevEngine.Services.Mapping;

/// <summary>Turns what workers send (registration, labels, step events) into the engine's requests.</summary>
internal static class WorkerRequestMapper
{
    /// <summary>From <c>Dispatcher/Register</c>.</summary>
    /// <param name="wire">The request.</param>
    /// <returns>The registration.</returns>
    public static WorkerRegistration FromRegister(WorkerRegisterRequest wire) => new(
        wire.WorkerName,
        wire.Actions,
        wire.HasSlots ? wire.Slots : null,
        wire.SlotConfig,
        Labels(wire.Labels));

    /// <summary>Worker labels from <c>Register</c> or <c>UpsertWorkerLabels</c>.</summary>
    /// <param name="wire">The labels as sent.</param>
    /// <returns>The labels.</returns>
    public static Dictionary<string, LabelValue> Labels(MapField<string, WorkerLabels> wire) =>
        wire.ToDictionary(kv => kv.Key, kv => LabelValue.From(kv.Value), StringComparer.Ordinal);

    /// <summary>From <c>Dispatcher/SendStepActionEvent</c>.</summary>
    /// <param name="wire">The event.</param>
    /// <returns>The report.</returns>
    public static StepReport FromStepEvent(StepActionEvent wire)
    {
        var kind = wire.EventType switch
        {
            StepActionEventType.StepEventTypeStarted => StepReportKind.Started,
            StepActionEventType.StepEventTypeCompleted => StepReportKind.Completed,
            StepActionEventType.StepEventTypeFailed => StepReportKind.Failed,
            StepActionEventType.StepEventTypeCancelled => StepReportKind.Cancelled,
            StepActionEventType.StepEventTypeAcknowledged => StepReportKind.Acknowledged,
            _ => StepReportKind.Unsupported,
        };
        return new StepReport(
            wire.TaskRunExternalId,
            wire.WorkerId,
            kind,
            wire.HasRetryCount ? wire.RetryCount : null,
            wire.EventPayload,
            wire.HasShouldNotRetry && wire.ShouldNotRetry,
            kind == StepReportKind.Unsupported ? wire.EventType.ToString() : null);
    }
}

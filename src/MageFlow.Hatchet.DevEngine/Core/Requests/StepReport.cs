namespace MageFlow.Hatchet.DevEngine.Core.Requests;

/// <summary>A worker's <c>SendStepActionEvent</c> call. A struct: this is the engine's busiest request.</summary>
/// <param name="TaskRunExternalId">The task run reported on.</param>
/// <param name="WorkerId">The reporting worker's id or name (Python SDKs send the id, TypeScript the name).</param>
/// <param name="Kind">What happened.</param>
/// <param name="RetryCount">The attempt reported on, if sent.</param>
/// <param name="Payload">The output (completed) or error (failed), possibly empty.</param>
/// <param name="ShouldNotRetry">Whether a failure must not be retried.</param>
/// <param name="WireType">The report type as sent, named in the error for an unsupported one.</param>
internal readonly record struct StepReport(
    string TaskRunExternalId,
    string WorkerId,
    StepReportKind Kind,
    int? RetryCount,
    string Payload,
    bool ShouldNotRetry,
    string? WireType);

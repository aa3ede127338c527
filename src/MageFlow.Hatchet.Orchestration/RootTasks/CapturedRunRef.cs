using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Orchestration.Signatures;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>A plain trigger a root task captured: queued as a signature of the root swarm, not started yet. Its result
/// is the signature's, once the swarm has run it.</summary>
internal sealed class CapturedRunRef(MageFlowServices services, RootBuffer buffer, string workflowName, string? taskName, string signatureId)
    : WorkflowRunRef(workflowName, taskName, queuedAs: signatureId, services.Json)
{
    protected override async Task<RunOutcome> WaitForOutcomeAsync(CancellationToken cancellationToken)
    {
        await buffer.FlushAsync(cancellationToken).ConfigureAwait(false);
        var signatureId = QueuedAs!;
        var snapshot = await services.Waiter.WaitAsync(signatureId, cancellationToken).ConfigureAwait(false);
        var run = snapshot.Run ?? string.Empty;
        var task = snapshot.Status == SignatureStatus.Done
            ? new TaskRunOutcome(TaskName ?? WorkflowName, run, snapshot.Result ?? "null", null)
            : new TaskRunOutcome(TaskName ?? WorkflowName, run, null, snapshot.Error ?? State.WireNames.Of(snapshot.Status));
        return new RunOutcome(run.Length > 0 ? run : signatureId, [task]);
    }
}

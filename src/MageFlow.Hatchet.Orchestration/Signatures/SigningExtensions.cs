using MageFlow.Hatchet.Orchestration.Internal;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.Signatures;

/// <summary>Signing a declared task through the MageFlow instance attached to its client, with no instance at hand:
/// <c>var sig = await processItem.SignAsync(); await sig.RunNoWaitAsync(message);</c>.</summary>
public static class SigningExtensions
{
    /// <summary>Signs the task with the MageFlow instance attached to its client (see <see cref="MageFlowClient.SignAsync(WorkflowDeclarationBase, object?, IEnumerable{Signature}?, IEnumerable{Signature}?, CancellationToken)"/>).</summary>
    /// <param name="task">The task (or workflow).</param>
    /// <param name="boundInput">Input fields bound now (merged into every message).</param>
    /// <param name="successCallbacks">Signatures published with the result when this one succeeds.</param>
    /// <param name="errorCallbacks">Signatures published with the original message when this one fails for good.</param>
    /// <param name="cancellationToken">Cancels the call (Redis may still apply it).</param>
    /// <returns>The signature.</returns>
    /// <exception cref="InvalidOperationException">No MageFlow is attached to the task's client.</exception>
    public static Task<TaskSignature> SignAsync(this WorkflowDeclarationBase task, object? boundInput = null, IEnumerable<Signature>? successCallbacks = null, IEnumerable<Signature>? errorCallbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return MageFlowClient.For(task.Client).SignAsync(task, boundInput, successCallbacks, errorCallbacks, cancellationToken);
    }
}

using System.ComponentModel;
using MageFlow.Hatchet.Orchestration.Exceptions;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace MageFlow.Hatchet.Orchestration.Mcp;

/// <summary>
/// What an agent may do to a flow, registered only when the server opts in
/// (<c>WithMageFlowTools</c> with <c>actions: true</c>). Each is the
/// signature's own lifecycle call; on a root's signature it acts on the whole flow.
/// </summary>
[McpServerToolType]
public sealed class MageFlowActionTools(MageFlowClient mageFlow)
{
    /// <summary>Suspends a signature and what it contains.</summary>
    /// <param name="id">The signature id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>What was done.</returns>
    [McpServerTool(Name = "suspend_signature", Destructive = false, Idempotent = true)]
    [Description("Suspends a MageFlow signature and everything in it: work not started waits for a resume; running tasks keep running.")]
    public Task<string> SuspendAsync([Description("The signature id")] string id, CancellationToken cancellationToken = default) =>
        ActAsync(id, "suspended", s => s.SuspendAsync(cancellationToken), cancellationToken);

    /// <summary>Interrupts a signature and what it contains.</summary>
    /// <param name="id">The signature id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>What was done.</returns>
    [McpServerTool(Name = "interrupt_signature", Destructive = true, Idempotent = true)]
    [Description("Interrupts a MageFlow signature: like suspend, and its running tasks are cancelled in the engine (a resume runs them again).")]
    public Task<string> InterruptAsync([Description("The signature id")] string id, CancellationToken cancellationToken = default) =>
        ActAsync(id, "interrupted", s => s.InterruptAsync(cancellationToken), cancellationToken);

    /// <summary>Resumes a suspended or interrupted signature.</summary>
    /// <param name="id">The signature id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>What was done.</returns>
    [McpServerTool(Name = "resume_signature", Destructive = false, Idempotent = true)]
    [Description("Resumes a suspended or interrupted MageFlow signature: held work starts again.")]
    public Task<string> ResumeAsync([Description("The signature id")] string id, CancellationToken cancellationToken = default) =>
        ActAsync(id, "resumed", s => s.ResumeAsync(cancellationToken), cancellationToken);

    /// <summary>Cancels a signature and what it contains.</summary>
    /// <param name="id">The signature id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>What was done.</returns>
    [McpServerTool(Name = "cancel_signature", Destructive = true, Idempotent = true)]
    [Description("Cancels a MageFlow signature and everything in it: it never runs again and its callbacks never fire.")]
    public Task<string> CancelAsync([Description("The signature id")] string id, CancellationToken cancellationToken = default) =>
        ActAsync(id, "canceled", s => s.CancelAsync(cancellationToken), cancellationToken);

    /// <summary>Runs a failed task again.</summary>
    /// <param name="id">The signature id.</param>
    /// <param name="cancellationToken">Stops the call.</param>
    /// <returns>What was done.</returns>
    [McpServerTool(Name = "retry_signature", Destructive = false, Idempotent = false)]
    [Description("Runs a failed MageFlow task again (a top-level task or a callback; not an item of a chain or swarm).")]
    public Task<string> RetryAsync([Description("The failed task's signature id")] string id, CancellationToken cancellationToken = default) =>
        ActAsync(id, "queued again", s => s.RetryAsync(cancellationToken), cancellationToken);

    private async Task<string> ActAsync(string id, string done, Func<Signatures.Signature, Task> action, CancellationToken cancellationToken)
    {
        var signature = await mageFlow.Inspector.GetSignatureAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new McpException($"no signature '{id}': never created, or expired");
        try
        {
            await action(signature).ConfigureAwait(false);
        }
        catch (MageFlowStateException e)
        {
            throw new McpException(e.Message);
        }

        return $"{signature} {done}";
    }
}

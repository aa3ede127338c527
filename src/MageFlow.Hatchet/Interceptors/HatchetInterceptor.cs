using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Interceptors;

/// <summary>
/// Extends a <see cref="HatchetClient"/> and its workers: around every trigger (single and bulk), around every
/// task a worker executes, when a worker starts, and when a followed run finishes. Override what you need; every
/// method's default passes through. Register it in <see cref="HatchetClientOptions.Interceptors"/>, or attach it
/// later with <see cref="HatchetClient.AddInterceptor"/> (MageFlow does). The first registered is the outermost.
/// </summary>
/// <remarks>Interceptors are called concurrently from many flows and must be thread-safe.</remarks>
public abstract class HatchetInterceptor
{
    /// <summary>Intercepts a trigger: one run (<c>RunNoWaitAsync</c>, <c>RunAsync</c>) or many (bulk).</summary>
    /// <param name="input">The runs to start, fully resolved (metadata inherited, child links set).</param>
    /// <param name="continuation">The rest of the chain; it ends by sending the runs to the engine.</param>
    /// <returns>One reference per run, in order.</returns>
    public virtual Task<IReadOnlyList<WorkflowRunRef>> TriggerAsync(TriggerInput input, Func<TriggerInput, Task<IReadOnlyList<WorkflowRunRef>>> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(input);
    }

    /// <summary>Intercepts the execution of one task run on a worker.</summary>
    /// <param name="input">The task run.</param>
    /// <param name="continuation">The rest of the chain; it ends by running the handler.</param>
    /// <returns>The task's output as JSON text, as it will be reported to the engine.</returns>
    public virtual Task<string> ExecuteTaskAsync(TaskExecutionInput input, Func<TaskExecutionInput, Task<string>> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(input);
    }

    /// <summary>Called when a worker of the client is about to register its workflows with the engine.</summary>
    /// <param name="input">The worker and the workflows it serves.</param>
    /// <returns>A task that completes when the interceptor is ready; the worker waits for it.</returns>
    public virtual Task OnWorkerStartingAsync(WorkerStartingInput input) => Task.CompletedTask;

    /// <summary>
    /// Called once for each run the client follows (awaited results, <see cref="RunsClient.Watch"/>) when the engine
    /// reports it finished. Called on the client's event stream: return quickly and never throw.
    /// </summary>
    /// <param name="outcome">How the run ended.</param>
    public virtual void OnRunFinished(RunOutcome outcome)
    {
    }
}

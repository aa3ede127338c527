using MageFlow.Hatchet.Interceptors;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Orchestration.State;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Orchestration.Execution;

/// <summary>
/// How MageFlow plugs into a <see cref="HatchetClient"/>, through the SDK's public interceptor seam alone: it wraps
/// every task a worker runs (signature runs and root tasks), sees every trigger (root-task capture), and records the
/// tasks a starting worker serves as signable by name.
/// </summary>
internal sealed class MageFlowInterceptor(SignatureRunner runner, RootCapture capture, TaskRegistry registry) : HatchetInterceptor
{
    public override Task<string> ExecuteTaskAsync(TaskExecutionInput input, Func<TaskExecutionInput, Task<string>> continuation)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(continuation);
        return runner.RunAsync(input.Context, () => continuation(input));
    }

    public override Task<IReadOnlyList<WorkflowRunRef>> TriggerAsync(TriggerInput input, Func<TriggerInput, Task<IReadOnlyList<WorkflowRunRef>>> continuation)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(continuation);
        return capture.TriggerAsync(input, continuation);
    }

    public override Task OnWorkerStartingAsync(WorkerStartingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return registry.RecordAsync(input.Workflows, input.CancellationToken);
    }
}

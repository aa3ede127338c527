using MageFlow.Hatchet.Protocol.V1;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Internal;

/// <summary>Wraps the execution of every task run on a client's workers.</summary>
internal interface ITaskMiddleware
{
    /// <summary>Runs around a task. <paramref name="next"/> runs the handler and returns the output JSON.</summary>
    Task<string> InvokeAsync(TaskContext context, Func<Task<string>> next);
}

/// <summary>Sees every trigger a client makes, and may take it over (MageFlow's root tasks queue captured children).</summary>
internal interface ITriggerInterceptor
{
    /// <summary>Gets a value indicating whether triggers made now (on this async flow) may be taken over.</summary>
    bool IsCapturing { get; }

    /// <summary>Returns a reference when the trigger was taken over (nothing is sent to the engine), else <see langword="null"/>.</summary>
    Task<WorkflowRunRef?> TryCaptureAsync(string workflowName, object? input, RunOptions? options, IDictionary<string, string>? defaults, CancellationToken cancellationToken);
}

/// <summary>An input that is already JSON text (MageFlow's publisher builds inputs as text).</summary>
/// <param name="Json">The JSON object.</param>
internal sealed record RawJson(string Json);

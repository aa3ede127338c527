using System.Collections.ObjectModel;
using System.Text.Json;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Interceptors;

/// <summary>
/// One run to start, as the engine will receive it: the workflow's engine name, the input as JSON text, and every
/// option already resolved (workflow defaults, metadata inherited from a parent task, the child link). Pass a list
/// of them to <see cref="HatchetClient.TriggerAsync(IReadOnlyList{TriggerRun}, CancellationToken)"/> to start runs
/// exactly as described, or rewrite them in a <see cref="HatchetInterceptor"/>.
/// </summary>
/// <param name="WorkflowName">The workflow's name as the engine knows it (namespace applied, lower case).</param>
/// <param name="InputJson">The input, a JSON object as text.</param>
/// <remarks>Immutable: make changed copies with <c>with</c>.</remarks>
public sealed record TriggerRun(string WorkflowName, string InputJson)
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoMetadata = ReadOnlyDictionary<string, JsonElement>.Empty;
    private static readonly IReadOnlyDictionary<string, DesiredWorkerLabel> NoLabels = ReadOnlyDictionary<string, DesiredWorkerLabel>.Empty;

    /// <summary>Gets the run's additional metadata: what a parent passes on, then the workflow's defaults, then the trigger's own.</summary>
    public IReadOnlyDictionary<string, JsonElement> AdditionalMetadata { get; init; } = NoMetadata;

    /// <summary>Gets the priority (1 low … 3 high), or <see langword="null"/> for the workflow's default.</summary>
    public int? Priority { get; init; }

    /// <summary>Gets the parent task run when this run is its child, or <see langword="null"/>.</summary>
    public TriggerParent? Parent { get; init; }

    /// <summary>Gets the child key (with <see cref="Parent"/>): the engine dedupes children of one parent by it.</summary>
    public string? ChildKey { get; init; }

    /// <summary>Gets the worker the run should go to (Hatchet's sticky children), or <see langword="null"/>.</summary>
    public string? DesiredWorkerId { get; init; }

    /// <summary>Gets the worker labels this run wants, by label key.</summary>
    public IReadOnlyDictionary<string, DesiredWorkerLabel> DesiredWorkerLabels { get; init; } = NoLabels;
}

using System.Text.Json;
using MageFlow.Hatchet.Internal;
using MageFlow.Hatchet.Protocol;
using MageFlow.Hatchet.Tasks;
using StackExchange.Redis;

namespace MageFlow.Hatchet.Orchestration;

/// <summary>Settings of a root task (the same as a swarm's).</summary>
/// <param name="MaxConcurrency">How many captured children run at once.</param>
/// <param name="StopAfterNFailures">Stop the root swarm after this many failed children; <see langword="null"/> keeps going.</param>
internal sealed record RootConfig(int MaxConcurrency, int? StopAfterNFailures);

/// <summary>Fluent registration of root tasks: <c>hatchet.Task("name", handler).AsRoot(maxConcurrency: 4)</c>.</summary>
public static class RootTaskExtensions
{
    internal const string FeatureKey = "mageflow.root";

    /// <summary>
    /// Makes the task a root task: while its body runs, everything it publishes (signatures, chains, swarms,
    /// and plain Hatchet triggers) joins an internal swarm named <c>root-swarm:&lt;task name&gt;</c> and runs under
    /// <paramref name="maxConcurrency"/>. When the body returns the swarm closes; the root's success callbacks fire
    /// once every captured child has finished, with the list of their results. Needs <see cref="Mageflow.AttachAsync"/>
    /// on the client whose workers run the task.
    /// </summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="task">The task.</param>
    /// <param name="maxConcurrency">How many children run at once (default 30).</param>
    /// <param name="stopAfterNFailures">Stop the root swarm and fire the error callbacks after this many failed children; <see langword="null"/> (the default) keeps going.</param>
    /// <returns>The same task, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    public static TaskDeclaration<TIn, TOut> AsRoot<TIn, TOut>(this TaskDeclaration<TIn, TOut> task, int maxConcurrency = 30, int? stopAfterNFailures = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        if (stopAfterNFailures is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stopAfterNFailures), stopAfterNFailures, $"root task '{task.Name}': stopAfterNFailures must be at least 1, or null to keep going despite failures");
        }

        task.Features[FeatureKey] = new RootConfig(maxConcurrency, stopAfterNFailures);
        return task;
    }

    /// <summary>Gets a value indicating whether the task was registered with <see cref="AsRoot{TIn, TOut}"/>.</summary>
    /// <param name="task">The task.</param>
    /// <returns><see langword="true"/> for root tasks.</returns>
    public static bool IsRoot(this WorkflowDeclarationBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.Features.ContainsKey(FeatureKey);
    }
}

/// <summary>Scopes that control root-task capture.</summary>
public static class MageflowScope
{
    private static readonly AsyncLocal<RootScope?> CurrentScope = new();

    /// <summary>Gets the id of the root swarm that captures publishes on this async flow, or <see langword="null"/>.</summary>
    public static string? CurrentRootSwarmId => CurrentScope.Value is { Excluded: false } s ? s.SwarmId : null;

    internal static RootScope? Current => CurrentScope.Value is { Excluded: false } s ? s : null;

    /// <summary>
    /// Opens a scope in which publishes are not captured by the enclosing root task: they run independently,
    /// outside its concurrency limit, and do not hold back its callbacks. Scopes nest and flow with async code;
    /// disposing restores capture.
    /// </summary>
    /// <returns>The scope; dispose it to end it.</returns>
    public static IDisposable WithoutRootSwarm()
    {
        var previous = CurrentScope.Value;
        CurrentScope.Value = previous is null ? null : previous with { Excluded = true };
        return new Restore(previous);
    }

    internal static IDisposable Enter(RootScope scope)
    {
        var previous = CurrentScope.Value;
        CurrentScope.Value = scope;
        return new Restore(previous);
    }

    private sealed class Restore(RootScope? previous) : IDisposable
    {
        public void Dispose() => CurrentScope.Value = previous;
    }
}

/// <summary>The root swarm that publishes on the current async flow join.</summary>
internal sealed record RootScope(Mageflow Mageflow, string SwarmId, TaskContext Context)
{
    public bool Excluded { get; init; }
}

/// <summary>Captures plain Hatchet triggers made inside a root body: they become items of the root swarm.</summary>
internal sealed class RootTriggerCapture(Mageflow mageflow) : ITriggerInterceptor
{
    public async Task<WorkflowRunRef?> TryCaptureAsync(string workflowName, object? input, RunOptions? options, IDictionary<string, string>? defaults, CancellationToken cancellationToken)
    {
        if (MageflowScope.Current is not { } scope || scope.Mageflow != mageflow || options?.AsChild == false)
        {
            return null;
        }

        // Like a child: carry the root's metadata (minus engine and signature keys), then the trigger's own.
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in scope.Context.AdditionalMetadata)
        {
            if (!k.StartsWith("hatchet__", StringComparison.Ordinal) && k != HatchetClient.SignatureMetadataKey)
            {
                meta[k] = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
            }
        }

        foreach (var (k, v) in defaults ?? new Dictionary<string, string>())
        {
            meta[k] = v;
        }

        foreach (var (k, v) in options?.AdditionalMetadata ?? new Dictionary<string, string>())
        {
            meta[k] = v;
        }

        var signature = await mageflow.CreateCapturedAsync(workflowName, JsonSerializer.Serialize(meta), cancellationToken).ConfigureAwait(false);
        var swarm = new SwarmSignature(mageflow, scope.SwarmId, string.Empty);
        await swarm.RunInSwarmAsync(signature, input ?? new object(), cancellationToken).ConfigureAwait(false);
        var taskName = mageflow.Client.Workflows.FirstOrDefault(w => w.WorkflowName == workflowName) is { } wf && wf.TaskDefinitions.Count == 1
            ? wf.TaskDefinitions[0].Name
            : workflowName;
        return new WorkflowRunRef(mageflow.Client, workflowName, taskName, signature.Id, ct => WaitAsEventAsync(signature.Id, taskName, ct));
    }

    private async Task<WorkflowRunEvent> WaitAsEventAsync(string id, string taskName, CancellationToken cancellationToken)
    {
        var all = await mageflow.WaitFinishedAsync(id, cancellationToken).ConfigureAwait(false);
        string? Get(string name) => all.FirstOrDefault(e => e.Name == name).Value;
        var result = new StepRunResult { TaskName = taskName, TaskRunExternalId = Get("run") ?? string.Empty, JobRunId = Get("run") ?? string.Empty };
        if (Get("status") == "done")
        {
            result.Output = Get("result") ?? "null";
        }
        else
        {
            result.Error = Get("error") ?? Get("status") ?? "failed";
        }

        var evt = new WorkflowRunEvent { WorkflowRunId = Get("run") ?? id, EventType = WorkflowRunEventType.Finished };
        evt.Results.Add(result);
        return evt;
    }
}

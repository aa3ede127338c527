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

    /// <summary>Gets the children added by the body but not yet written to the root swarm.</summary>
    public RootBuffer Buffer { get; } = new(Mageflow, SwarmId);
}

/// <summary>
/// Coalesces the children a root body publishes into few <c>swarm_add</c> calls, so a body spawning thousands
/// of children does not pay a Redis round trip per child. Children are written within a few milliseconds,
/// at once when the buffer fills, before anyone waits on a result, and before the body's end closes the
/// swarm. If the process dies first, Hatchet runs the root body again and it re-adds the same children.
/// </summary>
// A SemaphoreSlim needs disposing only when its wait handle is used, and late timer flushes may still touch it.
#pragma warning disable CA1001
internal sealed class RootBuffer(Mageflow mageflow, string swarmId)
#pragma warning restore CA1001
{
    private const int FlushAt = 500;
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(2);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private List<(Signature Task, object? Message)> _pending = [];
    private bool _timerArmed;
    private Exception? _failure;

    public async Task AddAsync(Signature task, object? message, CancellationToken cancellationToken)
    {
        bool flushNow;
        lock (_gate)
        {
            ThrowIfFailed();
            _pending.Add((task, message));
            flushNow = _pending.Count >= FlushAt;
            if (!flushNow && !_timerArmed)
            {
                _timerArmed = true;
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(Linger, CancellationToken.None).ConfigureAwait(false);
                        await FlushAsync(CancellationToken.None, throwOnError: false).ConfigureAwait(false);
                    }, CancellationToken.None);
                }
            }
        }

        if (flushNow)
        {
            await FlushAsync(cancellationToken, throwOnError: true).ConfigureAwait(false);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken, bool throwOnError = true)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<(Signature Task, object? Message)> batch;
            lock (_gate)
            {
                batch = _pending;
                _pending = [];
                _timerArmed = false;
            }

            if (batch.Count > 0)
            {
                try
                {
                    await new SwarmSignature(mageflow, swarmId, string.Empty).AddManyAsync(batch, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is MageflowStateException or StackExchange.Redis.RedisException)
                {
                    lock (_gate)
                    {
                        _failure ??= e;
                    }
                }
            }

            if (throwOnError)
            {
                lock (_gate)
                {
                    ThrowIfFailed();
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } e)
        {
            throw new MageflowStateException($"adding children to root swarm {swarmId} failed: {e.Message}", e is MageflowStateException m ? m.Reason : "redis");
        }
    }
}

/// <summary>Captures plain Hatchet triggers made inside a root body: they become items of the root swarm.</summary>
internal sealed class RootTriggerCapture(Mageflow mageflow) : ITriggerInterceptor
{
    public bool IsCapturing => MageflowScope.Current is { } scope && scope.Mageflow == mageflow;

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
        await scope.Buffer.AddAsync(signature, input ?? new object(), cancellationToken).ConfigureAwait(false);
        var buffer = scope.Buffer;
        var taskName = mageflow.Client.Workflows.FirstOrDefault(w => w.WorkflowName == workflowName) is { IsSingleTask: true } wf
            ? wf.TaskDefinitions[0].Name
            : workflowName;
        return new WorkflowRunRef(mageflow.Client, workflowName, taskName, signature.Id, async ct =>
        {
            await buffer.FlushAsync(ct).ConfigureAwait(false);
            return await WaitAsEventAsync(signature.Id, taskName, ct).ConfigureAwait(false);
        });
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

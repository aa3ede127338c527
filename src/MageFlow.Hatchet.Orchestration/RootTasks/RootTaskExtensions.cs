using System.Diagnostics.CodeAnalysis;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>Fluent registration of root tasks: <c>hatchet.Task("name", handler).AsRoot(maxConcurrency: 4)</c>.</summary>
public static class RootTaskExtensions
{
    /// <summary>
    /// Makes the task a root task: while its body runs, everything it publishes (signatures, chains, swarms, and plain
    /// Hatchet triggers) joins an internal swarm named <c>root-swarm:&lt;task name&gt;</c> and runs under
    /// <paramref name="maxConcurrency"/>. When the body returns the swarm closes; the root's success callbacks fire once
    /// every captured child has finished, with the list of their results. When the root fails (its body fails for good,
    /// or <paramref name="stopAfterNFailures"/> children failed), queued children are canceled, running ones finish, and
    /// the error callbacks fire once, after the last of them. Needs MageFlow attached to the client whose workers run it.
    /// </summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="task">The task.</param>
    /// <param name="maxConcurrency">How many children run at once (default 30).</param>
    /// <param name="stopAfterNFailures">Stop the root swarm and fire the error callbacks after this many failed children; <see langword="null"/> (the default) keeps going.</param>
    /// <param name="successCallbacks">Tasks every run of the root signs as success callbacks (after those given when it is signed).</param>
    /// <param name="errorCallbacks">Tasks every run of the root signs as error callbacks (after those given when it is signed).</param>
    /// <returns>The same task, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter (a SwarmConfig), so no call is ambiguous.")]
    public static TaskDeclaration<TIn, TOut> AsRoot<TIn, TOut>(
        this TaskDeclaration<TIn, TOut> task,
        int maxConcurrency = 30,
        int? stopAfterNFailures = null,
        IEnumerable<WorkflowDeclarationBase>? successCallbacks = null,
        IEnumerable<WorkflowDeclarationBase>? errorCallbacks = null) =>
        task.AsRoot(new SwarmConfig(maxConcurrency, stopAfterNFailures), successCallbacks, errorCallbacks);

    /// <summary>Makes the task a root task whose swarm has the limits of <paramref name="config"/> (the same options as an
    /// explicit swarm's, as the specification's <c>SwarmConfig</c>). See the other overload.</summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="task">The task.</param>
    /// <param name="config">The root swarm's limits; <see cref="SwarmConfig.StopMode"/> defaults to <see cref="SwarmStopMode.WaitForRunning"/>.</param>
    /// <param name="successCallbacks">Tasks every run of the root signs as success callbacks.</param>
    /// <param name="errorCallbacks">Tasks every run of the root signs as error callbacks.</param>
    /// <returns>The same task, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter (a SwarmConfig), so no call is ambiguous.")]
    public static TaskDeclaration<TIn, TOut> AsRoot<TIn, TOut>(
        this TaskDeclaration<TIn, TOut> task,
        SwarmConfig config,
        IEnumerable<WorkflowDeclarationBase>? successCallbacks = null,
        IEnumerable<WorkflowDeclarationBase>? errorCallbacks = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate($"root task '{task.Name}'");
        RootTaskRegistry.Register(task, new RootTaskOptions(config, [.. successCallbacks ?? []], [.. errorCallbacks ?? []]));
        return task;
    }

    /// <summary>Gets a value indicating whether the task was registered with <c>AsRoot</c>.</summary>
    /// <param name="task">The task.</param>
    /// <returns><see langword="true"/> for root tasks.</returns>
    public static bool IsRoot(this WorkflowDeclarationBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return RootTaskRegistry.Find(task) is not null;
    }
}

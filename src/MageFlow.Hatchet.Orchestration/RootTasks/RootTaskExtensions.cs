using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.RootTasks;

/// <summary>Fluent registration of root tasks: <c>hatchet.Task("name", handler).AsRoot(maxConcurrency: 4)</c>.</summary>
public static class RootTaskExtensions
{
    /// <summary>
    /// Makes the task a root task: while its body runs, everything it publishes (signatures, chains, swarms,
    /// and plain Hatchet triggers) joins an internal swarm named <c>root-swarm:&lt;task name&gt;</c> and runs under
    /// <paramref name="maxConcurrency"/>. When the body returns the swarm closes; the root's success callbacks fire
    /// once every captured child has finished, with the list of their results. Needs <see cref="MageFlowClient.AttachAsync"/>
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

        RootTaskRegistry.Register(task, new SwarmConfig(maxConcurrency, stopAfterNFailures));
        return task;
    }

    /// <summary>Gets a value indicating whether the task was registered with <see cref="AsRoot{TIn, TOut}"/>.</summary>
    /// <param name="task">The task.</param>
    /// <returns><see langword="true"/> for root tasks.</returns>
    public static bool IsRoot(this WorkflowDeclarationBase task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return RootTaskRegistry.Find(task) is not null;
    }
}

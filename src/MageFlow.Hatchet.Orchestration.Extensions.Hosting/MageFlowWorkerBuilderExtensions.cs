using System.Reflection;
using MageFlow.Hatchet.Extensions.Hosting;
using MageFlow.Hatchet.Extensions.Hosting.Internal;
using MageFlow.Hatchet.Orchestration.RootTasks;
using MageFlow.Hatchet.Tasks;

namespace MageFlow.Hatchet.Orchestration.Extensions.Hosting;

/// <summary>MageFlow's additions to a hosted worker.</summary>
public static class MageFlowWorkerBuilderExtensions
{
    /// <summary>Adds a root task whose handler class (an <see cref="IHatchetTask{TInput, TOutput}"/>) is resolved from a new
    /// scope for every run: what its body publishes joins the root's swarm, as <c>AsRoot</c> does for a lambda task.
    /// Needs <c>AddMageFlow</c>.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="builder">The worker builder.</param>
    /// <param name="name">The task's name.</param>
    /// <param name="config">The root swarm's limits; <see langword="null"/> for <c>AsRoot</c>'s defaults.</param>
    /// <param name="options">Retries, timeouts, concurrency, triggers.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The class implements no <c>IHatchetTask&lt;TInput, TOutput&gt;</c>, or more than one.</exception>
    public static HatchetWorkerBuilder AddRootTask<THandler>(this HatchetWorkerBuilder builder, string name, SwarmConfig? config = null, TaskOptions? options = null)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (input, output) = HandlerTypes.Of(typeof(THandler));
        if (output is null)
        {
            throw new ArgumentException($"{typeof(THandler).Name}: a root task's handler implements IHatchetTask<TInput, TOutput> (its output is the root's own result).", nameof(THandler));
        }

        typeof(MageFlowWorkerBuilderExtensions).GetMethod(nameof(AddRoot), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeof(THandler), input, output)
            .Invoke(null, [builder, name, config ?? new SwarmConfig(), options]);
        return builder;
    }

    private static void AddRoot<THandler, TInput, TOutput>(HatchetWorkerBuilder builder, string name, SwarmConfig config, TaskOptions? options)
        where THandler : class, IHatchetTask<TInput, TOutput> =>
        builder.AddTask<THandler, TInput, TOutput>(name, options, task => task.AsRoot(config));
}

using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using MageFlow.Hatchet.Extensions.Hosting.Internal;
using MageFlow.Hatchet.Tasks;
using MageFlow.Hatchet.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MageFlow.Hatchet.Extensions.Hosting;

/// <summary>
/// Declares what a hosted worker serves: handler classes from DI (a new scope per run), lambdas, or any declaration
/// (DAG workflows). Tasks are declared on the host's one <see cref="HatchetClient"/> when it is created. A worker with
/// nothing declared serves every workflow declared on that client.
/// </summary>
public sealed class HatchetWorkerBuilder
{
    private readonly HatchetWorkerDefinition _definition;

    internal HatchetWorkerBuilder(IServiceCollection services, HatchetWorkerDefinition definition)
    {
        Services = services;
        _definition = definition;
    }

    /// <summary>Gets the worker's name (also the name of its options and of its keyed <see cref="HatchetWorkerService"/>).</summary>
    public string Name => _definition.Name;

    /// <summary>Gets the services the worker is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Configures the worker's options (slots, labels, drain timeout) after configuration
    /// (<c>Hatchet:Workers:&lt;name&gt;</c>) has set them.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public HatchetWorkerBuilder Configure(Action<HatchetWorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(Name, configure);
        return this;
    }

    /// <summary>Adds a task whose handler class implements <see cref="IHatchetTask{TInput, TOutput}"/> or
    /// <see cref="IHatchetTask{TInput}"/>; its input and output types come from that interface. The handler is registered
    /// as scoped unless already registered, and resolved from a new scope for every run.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="name">The task's name.</param>
    /// <param name="options">Retries, timeouts, concurrency, triggers.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The class implements no <c>IHatchetTask</c>, or more than one.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their type parameters (a handler class, or input and output with a lambda); none is ambiguous.")]
    public HatchetWorkerBuilder AddTask<THandler>(string name, TaskOptions? options = null)
        where THandler : class
    {
        var (input, output) = HandlerTypes.Of(typeof(THandler));
        var method = output is null
            ? typeof(HatchetWorkerBuilder).GetMethod(nameof(AddTaskWithoutOutput), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(typeof(THandler), input)
            : typeof(HatchetWorkerBuilder).GetMethod(nameof(AddScopedTask), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(typeof(THandler), input, output);
        method.Invoke(this, [name, options, null]);
        return this;
    }

    /// <summary>Adds a task whose handler class is resolved from a new scope for every run, naming its input and output
    /// types, with a hook on the declaration (for instance MageFlow's <c>AsRoot</c>).</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The task's name.</param>
    /// <param name="options">Retries, timeouts, concurrency, triggers.</param>
    /// <param name="configure">Called with the declaration once the client exists.</param>
    /// <returns>This builder.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their type parameters; none is ambiguous.")]
    public HatchetWorkerBuilder AddTask<THandler, TInput, TOutput>(string name, TaskOptions? options = null, Action<TaskDeclaration<TInput, TOutput>>? configure = null)
        where THandler : class, IHatchetTask<TInput, TOutput>
    {
        AddScopedTask<THandler, TInput, TOutput>(name, options, configure);
        return this;
    }

    /// <summary>Adds a task whose body is a lambda, as <see cref="HatchetClient.Task{TIn, TOut}(string, Func{TIn, TaskContext, Task{TOut}}, TaskOptions?)"/>
    /// declares it.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TOutput">The output type.</typeparam>
    /// <param name="name">The task's name.</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">Retries, timeouts, concurrency, triggers.</param>
    /// <param name="configure">Called with the declaration once the client exists.</param>
    /// <returns>This builder.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their type parameters; none is ambiguous.")]
    public HatchetWorkerBuilder AddTask<TInput, TOutput>(string name, Func<TInput, TaskContext, Task<TOutput>> handler, TaskOptions? options = null, Action<TaskDeclaration<TInput, TOutput>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AddWorkflow((client, _) =>
        {
            var task = client.Task(name, handler, options);
            configure?.Invoke(task);
            return task;
        });
    }

    /// <summary>Adds any declaration made on the host's client: a DAG workflow, or a task declared with full control.
    /// The service provider is the root one; open scopes from it as needed.</summary>
    /// <param name="declare">Declares the workflow on the client.</param>
    /// <returns>This builder.</returns>
    public HatchetWorkerBuilder AddWorkflow(Func<HatchetClient, IServiceProvider, WorkflowDeclarationBase> declare)
    {
        ArgumentNullException.ThrowIfNull(declare);
        _definition.Declarations.Add(declare);
        return this;
    }

    private void AddScopedTask<THandler, TInput, TOutput>(string name, TaskOptions? options, Action<TaskDeclaration<TInput, TOutput>>? configure)
        where THandler : class, IHatchetTask<TInput, TOutput>
    {
        Services.TryAddScoped<THandler>();
        AddWorkflow((client, services) =>
        {
            var task = client.Task(name, ScopedHandlers.For<THandler, TInput, TOutput>(services.GetRequiredService<IServiceScopeFactory>()), options);
            configure?.Invoke(task);
            return task;
        });
    }

    private void AddTaskWithoutOutput<THandler, TInput>(string name, TaskOptions? options, Action<TaskDeclaration<TInput, NoOutput>>? configure)
        where THandler : class, IHatchetTask<TInput>
    {
        Services.TryAddScoped<THandler>();
        AddWorkflow((client, services) =>
        {
            var task = client.Task(name, ScopedHandlers.WithoutOutput<THandler, TInput>(services.GetRequiredService<IServiceScopeFactory>()), options);
            configure?.Invoke(task);
            return task;
        });
    }
}

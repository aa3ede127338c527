using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Tasks;

/// <summary>A workflow of several tasks (a DAG), with optional on-failure and on-success tasks.</summary>
/// <typeparam name="TIn">The workflow input type.</typeparam>
public sealed class WorkflowDeclaration<TIn> : WorkflowDeclarationBase
{
    private readonly List<TaskDefinition> _tasks = [];
    private TaskDefinition? _onFailure;
    private TaskDefinition? _onSuccess;

    internal WorkflowDeclaration(HatchetClient client, string name, WorkflowOptions? options)
        : base(client, name)
    {
        Options = options ?? new WorkflowOptions();
        DeclarationValidation.Validate(Name, Options);
    }

    /// <summary>Gets the workflow's options.</summary>
    public WorkflowOptions Options { get; }

    internal override IReadOnlyList<TaskDefinition> TaskDefinitions
    {
        get
        {
            if (_onSuccess is null)
            {
                return _tasks;
            }

            // On-success runs after every leaf task, as Hatchet's SDKs declare it.
            var leaves = _tasks.Where(t => !_tasks.Any(o => o.Parents.Contains(t.Name))).Select(t => t.Name).ToArray();
            var onSuccess = new TaskDefinition { Name = _onSuccess.Name, Parents = leaves, Options = _onSuccess.Options, Invoke = _onSuccess.Invoke, Owner = this };
            return [.. _tasks, onSuccess];
        }
    }

    /// <inheritdoc/>
    public override Type InputType => typeof(TIn);

    internal override TaskDefinition? OnFailureDefinition => _onFailure;

    internal override IEnumerable<string> EventTriggers => Options.OnEvents;

    internal override IEnumerable<string> CronTriggers => Options.OnCrons;

    internal override IEnumerable<DefaultEventFilter> EventFilters => Options.DefaultFilters;

    internal override IEnumerable<ConcurrencyLimit> WorkflowConcurrency => Options.Concurrency;

    internal override int? DefaultPriority => Options.DefaultPriority;

    internal override StickyStrategy? Sticky => Options.Sticky;

    internal override IDictionary<string, string> DefaultMetadata => Options.DefaultAdditionalMetadata;

    /// <summary>Adds a task. Parents must already be declared.</summary>
    /// <typeparam name="TOut">The task's output type.</typeparam>
    /// <param name="name">The task's name (unique in the workflow).</param>
    /// <param name="handler">The task body; it receives the workflow input.</param>
    /// <param name="options">The task's options.</param>
    /// <param name="parents">Names of tasks that must complete first; their outputs are available through <see cref="TaskContext.ParentOutput{T}"/>.</param>
    /// <returns>This workflow, for chaining.</returns>
    /// <exception cref="InvalidWorkflowException">The name is taken, or a parent is unknown.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the handler's delegate type.")]
    public WorkflowDeclaration<TIn> Task<TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options = null, params string[] parents)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var task = NewTask(name, handler, options, parents);
        DeclarationValidation.ValidateGraph(Name, [.. _tasks, task]);
        _tasks.Add(task);
        return this;
    }

    /// <summary>Adds a durable task (see <see cref="HatchetClient.DurableTask{TIn, TOut}"/>). Parents must already be declared.</summary>
    /// <typeparam name="TOut">The task's output type.</typeparam>
    /// <param name="name">The task's name (unique in the workflow).</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">The task's options.</param>
    /// <param name="parents">Names of tasks that must complete first.</param>
    /// <returns>This workflow, for chaining.</returns>
    public WorkflowDeclaration<TIn> DurableTask<TOut>(string name, Func<TIn, DurableContext, Task<TOut>> handler, TaskOptions? options = null, params string[] parents)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var plain = NewTask<TOut>(name, (input, ctx) => handler(input, (DurableContext)ctx), options, parents);
        var task = new TaskDefinition { Name = plain.Name, Parents = plain.Parents, Options = plain.Options, Invoke = plain.Invoke, Owner = this, IsDurable = true };
        DeclarationValidation.ValidateGraph(Name, [.. _tasks, task]);
        _tasks.Add(task);
        return this;
    }

    /// <summary>Sets the task that runs when the workflow fails; <see cref="TaskContext.TaskErrors"/> holds the failures.</summary>
    /// <typeparam name="TOut">The task's output type.</typeparam>
    /// <param name="name">The task's name.</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">The task's options.</param>
    /// <returns>This workflow, for chaining.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the handler's delegate type.")]
    public WorkflowDeclaration<TIn> OnFailure<TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options = null)
    {
        if (_onFailure is not null)
        {
            throw new InvalidWorkflowException($"workflow '{Name}' already has an on-failure task");
        }

        _onFailure = NewTask(name, handler, options, []);
        return this;
    }

    /// <summary>Sets the task that runs after every other task succeeded.</summary>
    /// <typeparam name="TOut">The task's output type.</typeparam>
    /// <param name="name">The task's name.</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">The task's options.</param>
    /// <returns>This workflow, for chaining.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the handler's delegate type.")]
    public WorkflowDeclaration<TIn> OnSuccess<TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options = null)
    {
        if (_onSuccess is not null)
        {
            throw new InvalidWorkflowException($"workflow '{Name}' already has an on-success task");
        }

        var task = NewTask(name, handler, options, []);
        DeclarationValidation.ValidateGraph(Name, [.. _tasks, task]);
        _onSuccess = task;
        return this;
    }

    /// <summary>Adds a task whose handler returns nothing (it reports an empty object). Parents must already be declared.</summary>
    /// <param name="name">The task's name (unique in the workflow).</param>
    /// <param name="handler">The task body; it receives the workflow input.</param>
    /// <param name="options">The task's options.</param>
    /// <param name="parents">Names of tasks that must complete first.</param>
    /// <returns>This workflow, for chaining.</returns>
    /// <exception cref="InvalidWorkflowException">The name is taken, or a parent is unknown.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the handler's delegate type.")]
    public WorkflowDeclaration<TIn> Task(string name, Func<TIn, TaskContext, Task> handler, TaskOptions? options = null, params string[] parents) =>
        Task(name, HandlerAdapter.WithoutOutput(handler), options, parents);

    /// <summary>Sets the task that runs when the workflow fails, with a handler that returns nothing.</summary>
    /// <param name="name">The task's name.</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">The task's options.</param>
    /// <returns>This workflow, for chaining.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the handler's delegate type.")]
    public WorkflowDeclaration<TIn> OnFailure(string name, Func<TIn, TaskContext, Task> handler, TaskOptions? options = null) =>
        OnFailure(name, HandlerAdapter.WithoutOutput(handler), options);

    /// <summary>Sets the task that runs after every other task succeeded, with a handler that returns nothing.</summary>
    /// <param name="name">The task's name.</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">The task's options.</param>
    /// <returns>This workflow, for chaining.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the handler's delegate type.")]
    public WorkflowDeclaration<TIn> OnSuccess(string name, Func<TIn, TaskContext, Task> handler, TaskOptions? options = null) =>
        OnSuccess(name, HandlerAdapter.WithoutOutput(handler), options);

    /// <summary>Runs the workflow and waits for every task's output.</summary>
    /// <param name="input">The input.</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The outputs by task name.</returns>
    /// <exception cref="TaskRunFailedException">The run failed or was cancelled.</exception>
    public async Task<WorkflowRunResult> RunAsync(TIn input, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = await RunNoWaitAsync(input, options, cancellationToken).ConfigureAwait(false);
        return await run.ResultAsync(cancellationToken).ConfigureAwait(false);
    }

    private TaskDefinition NewTask<TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options, string[] parents)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidWorkflowException($"workflow '{Name}': a task name must not be empty");
        }

        var o = options ?? new TaskOptions();
        DeclarationValidation.Validate($"{Name}.{name}", o);
        return new TaskDefinition
        {
            Name = name.Trim().ToLowerInvariant(),
            Parents = parents.Select(p => p.Trim().ToLowerInvariant()).ToArray(),
            Options = o,
            Invoke = HandlerAdapter.Wrap(handler),
            Owner = this,
        };
    }
}

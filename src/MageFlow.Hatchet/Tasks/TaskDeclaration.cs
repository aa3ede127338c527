using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Tasks;

/// <summary>A standalone task: a one-task workflow, as Hatchet's SDKs declare them.</summary>
/// <typeparam name="TIn">The input type.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public sealed class TaskDeclaration<TIn, TOut> : WorkflowDeclarationBase
{
    private readonly TaskDefinition _task;

    internal TaskDeclaration(HatchetClient client, string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options, bool durable = false)
        : base(client, name)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Options = options ?? new TaskOptions();
        DeclarationValidation.Validate(Name, Options);
        _task = new TaskDefinition
        {
            Name = Name.ToLowerInvariant(),
            Parents = [],
            Options = Options,
            Invoke = HandlerAdapter.Wrap(handler),
            Owner = this,
            IsDurable = durable,
        };
    }

    /// <summary>Gets the task's options.</summary>
    public TaskOptions Options { get; }

    /// <summary>Gets the task's readable name (lower case).</summary>
    public string TaskName => _task.Name;

    /// <inheritdoc/>
    public override Type InputType => typeof(TIn);

    internal override IReadOnlyList<TaskDefinition> TaskDefinitions => [_task];

    internal override IEnumerable<string> EventTriggers => Options.OnEvents;

    internal override IEnumerable<string> CronTriggers => Options.OnCrons;

    internal override IEnumerable<DefaultEventFilter> EventFilters => Options.DefaultFilters;

    internal override IEnumerable<ConcurrencyLimit> WorkflowConcurrency => [];

    internal override int? DefaultPriority => Options.DefaultPriority;

    internal override StickyStrategy? Sticky => Options.Sticky;

    internal override IDictionary<string, string> DefaultMetadata => Options.DefaultAdditionalMetadata;

    /// <summary>Runs the task and waits for its output. Inside a running task, the run is its child.</summary>
    /// <param name="input">The input.</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Stops waiting (the run goes on).</param>
    /// <returns>The task's output.</returns>
    /// <exception cref="TaskRunFailedException">The run failed or was cancelled.</exception>
    public async Task<TOut> RunAsync(TIn input, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = await RunNoWaitAsync(input, options, cancellationToken).ConfigureAwait(false);
        return await run.ResultAsync<TOut>(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts many runs with as few calls as possible (bulk triggers).</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="options">Options shared by every run.</param>
    /// <param name="cancellationToken">Cancels the trigger calls.</param>
    /// <returns>The runs, in input order.</returns>
    public Task<IReadOnlyList<WorkflowRunRef>> RunManyNoWaitAsync(IEnumerable<TIn> inputs, RunOptions? options = null, CancellationToken cancellationToken = default) =>
        Client.TriggerManyAsync(this, (inputs ?? throw new ArgumentNullException(nameof(inputs))).Cast<object?>(), options, cancellationToken);

    /// <summary>Starts many runs in bulk and waits for all their outputs.</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="options">Options shared by every run.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The outputs, in input order.</returns>
    public async Task<IReadOnlyList<TOut>> RunManyAsync(IEnumerable<TIn> inputs, RunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var runs = await RunManyNoWaitAsync(inputs, options, cancellationToken).ConfigureAwait(false);
        return await Task.WhenAll(runs.Select(r => r.ResultAsync<TOut>(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Schedules a run for later.</summary>
    /// <param name="at">When to run.</param>
    /// <param name="input">The input.</param>
    /// <param name="options">Metadata and priority.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schedule's id.</returns>
    public Task<string> ScheduleAsync(DateTimeOffset at, TIn input, RunOptions? options = null, CancellationToken cancellationToken = default) =>
        Client.ScheduleAsync(this, at, input, options, cancellationToken);
}

using System.Globalization;
using System.Text.Json;
using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Protocol.V1;

namespace MageFlow.Hatchet.Tasks;

/// <summary>One task of a workflow as the worker runs it.</summary>
internal sealed class TaskDefinition
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> Parents { get; init; }

    public required TaskOptions Options { get; init; }

    /// <summary>Deserializes the input, runs the handler and returns the output as JSON.</summary>
    public required Func<TaskContext, JsonSerializerOptions, Task<string>> Invoke { get; init; }

    /// <summary>Gets or sets the declaration this task belongs to.</summary>
    public WorkflowDeclarationBase? Owner { get; set; }

    /// <summary>Gets whether this task is the whole run of its workflow (not a DAG step or an on-failure task).</summary>
    public bool IsWholeRun => Owner is { IsSingleTask: true } owner && ReferenceEquals(owner.TaskDefinitions[0], this);

    public CreateTaskOpts ToProto(string workflowName)
    {
        var o = Options;
        var proto = new CreateTaskOpts
        {
            ReadableId = Name,
            Action = workflowName + ":" + Name,
            Timeout = Durations.Format(o.ExecutionTimeout),
            ScheduleTimeout = Durations.Format(o.ScheduleTimeout),
            Retries = o.Retries,
            Inputs = "{}",
        };
        proto.Parents.AddRange(Parents);
        if (o.BackoffFactor is { } factor)
        {
            proto.BackoffFactor = (float)factor;
        }

        if (o.BackoffMaxSeconds is { } max)
        {
            proto.BackoffMaxSeconds = max;
        }

        foreach (var c in o.Concurrency)
        {
            proto.Concurrency.Add(Declarations.ToProto(c));
        }

        foreach (var r in o.RateLimits)
        {
            proto.RateLimits.Add(new CreateTaskRateLimit { Key = r.Key, Units = r.Units });
        }

        foreach (var (key, label) in o.DesiredWorkerLabels)
        {
            var l = new DesiredWorkerLabels { Required = label.Required, Weight = label.Weight };
            if (label.Value is int i)
            {
                l.IntValue = i;
            }
            else
            {
                l.StrValue = Convert.ToString(label.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            }

            proto.WorkerLabels[key] = l;
        }

        proto.SlotRequests["default"] = o.SlotCost;
        return proto;
    }
}

/// <summary>Shared behaviour of standalone tasks and multi-task workflows: registration data and triggering.</summary>
public abstract class WorkflowDeclarationBase
{
    private protected WorkflowDeclarationBase(HatchetClient client, string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidWorkflowException("a workflow or task name must not be empty");
        }

        Client = client;
        Name = name.Trim();
        WorkflowName = (client.Namespace + Name).ToLowerInvariant();
    }

    /// <summary>Gets the name given at registration.</summary>
    public string Name { get; }

    /// <summary>Gets the name the engine knows: namespace applied, lower case (as the TypeScript SDK registers names).</summary>
    public string WorkflowName { get; }

    /// <summary>Gets the client this workflow was declared on.</summary>
    public HatchetClient Client { get; }

    internal abstract IReadOnlyList<TaskDefinition> TaskDefinitions { get; }

    /// <summary>Gets whether a run of this workflow is one task (so that task's end is the run's end).</summary>
    internal bool IsSingleTask => TaskDefinitions.Count == 1;

    /// <summary>Gets features that layers above the SDK attach to the declaration (MageFlow's root-task settings).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, object> Features { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the input type (MageFlow reads its <c>[ReturnValue]</c> property).</summary>
    internal abstract Type InputType { get; }

    internal virtual TaskDefinition? OnFailureDefinition => null;

    internal abstract IEnumerable<string> EventTriggers { get; }

    internal abstract IEnumerable<string> CronTriggers { get; }

    internal abstract IEnumerable<ConcurrencyLimit> WorkflowConcurrency { get; }

    internal abstract int? DefaultPriority { get; }

    internal abstract IDictionary<string, string> DefaultMetadata { get; }

    internal IEnumerable<string> Actions =>
        TaskDefinitions.Concat(OnFailureDefinition is null ? [] : [OnFailureDefinition]).Select(t => WorkflowName + ":" + t.Name);

    internal CreateWorkflowVersionRequest ToProto()
    {
        var request = new CreateWorkflowVersionRequest { Name = WorkflowName, Version = string.Empty, Description = string.Empty };
        request.EventTriggers.AddRange(EventTriggers.Select(e => Client.Namespace + e));
        request.CronTriggers.AddRange(CronTriggers);
        request.Tasks.AddRange(TaskDefinitions.Select(t => t.ToProto(WorkflowName)));
        if (OnFailureDefinition is { } onFailure)
        {
            request.OnFailureTask = onFailure.ToProto(WorkflowName);
        }

        request.ConcurrencyArr.AddRange(WorkflowConcurrency.Select(Declarations.ToProto));
        if (DefaultPriority is { } p)
        {
            request.DefaultPriority = p;
        }

        return request;
    }

    /// <summary>Starts a run and returns without waiting for it. Inside a running task, the run is its child.</summary>
    /// <param name="input">The input (serialized with the client's JSON options).</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Cancels the trigger call.</param>
    /// <returns>The run's reference.</returns>
    public Task<WorkflowRunRef> RunNoWaitAsync(object? input, RunOptions? options = null, CancellationToken cancellationToken = default) =>
        Client.TriggerAsync(WorkflowName, input, options, DefaultMetadata, cancellationToken);

    internal static void Validate(string workflow, IReadOnlyList<TaskDefinition> tasks)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tasks)
        {
            if (!names.Add(t.Name))
            {
                throw new InvalidWorkflowException($"workflow '{workflow}' already has a task named '{t.Name}'");
            }
        }

        foreach (var t in tasks)
        {
            foreach (var p in t.Parents)
            {
                if (!names.Contains(p))
                {
                    throw new InvalidWorkflowException($"workflow '{workflow}': task '{t.Name}' names unknown parent '{p}'");
                }
            }
        }
    }
}

/// <summary>A standalone task: a one-task workflow, as Hatchet's SDKs declare them.</summary>
/// <typeparam name="TIn">The input type.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public sealed class TaskDeclaration<TIn, TOut> : WorkflowDeclarationBase
{
    private readonly TaskDefinition _task;

    internal TaskDeclaration(HatchetClient client, string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options)
        : base(client, name)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Options = options ?? new TaskOptions();
        Declarations.Validate(Name, Options);
        _task = new TaskDefinition
        {
            Name = Name.ToLowerInvariant(),
            Parents = [],
            Options = Options,
            Invoke = Declarations.Wrap(handler),
            Owner = this,
        };
    }

    /// <summary>Gets the task's options.</summary>
    public TaskOptions Options { get; }

    /// <summary>Gets the task's readable name (lower case).</summary>
    public string TaskName => _task.Name;

    internal override IReadOnlyList<TaskDefinition> TaskDefinitions => [_task];

    internal override Type InputType => typeof(TIn);

    internal override IEnumerable<string> EventTriggers => Options.OnEvents;

    internal override IEnumerable<string> CronTriggers => Options.OnCrons;

    internal override IEnumerable<ConcurrencyLimit> WorkflowConcurrency => [];

    internal override int? DefaultPriority => Options.DefaultPriority;

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

    /// <summary>Starts many runs with as few calls as possible (bulk triggers of up to 1,000).</summary>
    /// <param name="inputs">The inputs.</param>
    /// <param name="options">Options shared by every run.</param>
    /// <param name="cancellationToken">Cancels the trigger calls.</param>
    /// <returns>The runs, in input order.</returns>
    public Task<IReadOnlyList<WorkflowRunRef>> RunManyNoWaitAsync(IEnumerable<TIn> inputs, RunOptions? options = null, CancellationToken cancellationToken = default) =>
        Client.TriggerManyAsync(WorkflowName, inputs.Cast<object?>(), options, DefaultMetadata, cancellationToken);

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
        Client.ScheduleAsync(WorkflowName, at, input, options, DefaultMetadata, cancellationToken);
}

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
        Declarations.Validate(Name, Options);
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
            var onSuccess = new TaskDefinition { Name = _onSuccess.Name, Parents = leaves, Options = _onSuccess.Options, Invoke = _onSuccess.Invoke };
            return [.. _tasks, onSuccess];
        }
    }

    internal override TaskDefinition? OnFailureDefinition => _onFailure;

    internal override Type InputType => typeof(TIn);

    internal override IEnumerable<string> EventTriggers => Options.OnEvents;

    internal override IEnumerable<string> CronTriggers => Options.OnCrons;

    internal override IEnumerable<ConcurrencyLimit> WorkflowConcurrency => Options.Concurrency;

    internal override int? DefaultPriority => Options.DefaultPriority;

    internal override IDictionary<string, string> DefaultMetadata => Options.DefaultAdditionalMetadata;

    /// <summary>Adds a task. Parents must already be declared.</summary>
    /// <typeparam name="TOut">The task's output type.</typeparam>
    /// <param name="name">The task's name (unique in the workflow).</param>
    /// <param name="handler">The task body; it receives the workflow input.</param>
    /// <param name="options">The task's options.</param>
    /// <param name="parents">Names of tasks that must complete first; their outputs are available through <see cref="TaskContext.ParentOutput{T}"/>.</param>
    /// <returns>This workflow, for chaining.</returns>
    /// <exception cref="InvalidWorkflowException">The name is taken, or a parent is unknown.</exception>
    public WorkflowDeclaration<TIn> Task<TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options = null, params string[] parents)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var task = NewTask(name, handler, options, parents);
        Validate(Name, [.. _tasks, task]);
        _tasks.Add(task);
        return this;
    }

    /// <summary>Sets the task that runs when the workflow fails; <see cref="TaskContext.TaskErrors"/> holds the failures.</summary>
    /// <typeparam name="TOut">The task's output type.</typeparam>
    /// <param name="name">The task's name.</param>
    /// <param name="handler">The task body.</param>
    /// <param name="options">The task's options.</param>
    /// <returns>This workflow, for chaining.</returns>
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
    public WorkflowDeclaration<TIn> OnSuccess<TOut>(string name, Func<TIn, TaskContext, Task<TOut>> handler, TaskOptions? options = null)
    {
        if (_onSuccess is not null)
        {
            throw new InvalidWorkflowException($"workflow '{Name}' already has an on-success task");
        }

        var task = NewTask(name, handler, options, []);
        Validate(Name, [.. _tasks, task]);
        _onSuccess = task;
        return this;
    }

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
        Declarations.Validate($"{Name}.{name}", o);
        return new TaskDefinition
        {
            Name = name.Trim().ToLowerInvariant(),
            Parents = parents.Select(p => p.Trim().ToLowerInvariant()).ToArray(),
            Options = o,
            Invoke = Declarations.Wrap(handler),
            Owner = this,
        };
    }
}

internal static class Declarations
{
    public static Protocol.V1.Concurrency ToProto(ConcurrencyLimit c) => new()
    {
        Expression = c.Expression,
        MaxRuns = c.MaxRuns,
        LimitStrategy = (Protocol.V1.ConcurrencyLimitStrategy)(int)c.Strategy,
    };

    public static void Validate(string owner, TaskOptions o)
    {
        var errors = new List<string>();
        if (o.Retries < 0)
        {
            errors.Add($"Retries must not be negative ({o.Retries})");
        }

        if (o.ExecutionTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"ExecutionTimeout must be at least 1 s ({o.ExecutionTimeout})");
        }

        if (o.ScheduleTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"ScheduleTimeout must be at least 1 s ({o.ScheduleTimeout})");
        }

        if (o.BackoffFactor is <= 0 || o.BackoffMaxSeconds is <= 0)
        {
            errors.Add("BackoffFactor and BackoffMaxSeconds must be positive");
        }

        if (o.DefaultPriority is < 1 or > 3)
        {
            errors.Add($"DefaultPriority must be 1, 2 or 3 ({o.DefaultPriority})");
        }

        if (o.SlotCost < 1)
        {
            errors.Add($"SlotCost must be at least 1 ({o.SlotCost})");
        }

        foreach (var c in o.Concurrency)
        {
            if (string.IsNullOrWhiteSpace(c.Expression) || c.MaxRuns < 1)
            {
                errors.Add($"concurrency '{c.Expression}' needs an expression and MaxRuns >= 1");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidWorkflowException($"task '{owner}' has invalid options: " + string.Join("; ", errors));
        }
    }

    public static void Validate(string workflow, WorkflowOptions o)
    {
        var errors = new List<string>();
        if (o.DefaultPriority is < 1 or > 3)
        {
            errors.Add($"DefaultPriority must be 1, 2 or 3 ({o.DefaultPriority})");
        }

        foreach (var c in o.Concurrency)
        {
            if (string.IsNullOrWhiteSpace(c.Expression) || c.MaxRuns < 1)
            {
                errors.Add($"concurrency '{c.Expression}' needs an expression and MaxRuns >= 1");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidWorkflowException($"workflow '{workflow}' has invalid options: " + string.Join("; ", errors));
        }
    }

    public static Func<TaskContext, JsonSerializerOptions, Task<string>> Wrap<TIn, TOut>(Func<TIn, TaskContext, Task<TOut>> handler) =>
        async (ctx, json) =>
        {
            TIn input;
            try
            {
                input = ctx.Input.ValueKind == JsonValueKind.Undefined ? default! : ctx.Input.Deserialize<TIn>(json)!;
            }
            catch (JsonException e)
            {
                throw new NonRetryableException($"the input of task '{ctx.TaskName}' could not be read as {typeof(TIn).Name}: {e.Message}", e);
            }

            var output = await handler(input, ctx).ConfigureAwait(false);
            try
            {
                return output is null ? "{}" : JsonSerializer.Serialize(output, json);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
            {
                throw new NonRetryableException($"the output of task '{ctx.TaskName}' ({typeof(TOut).Name}) could not be serialized to JSON: {e.Message}", e);
            }
        };
}

/// <summary>Formats durations the way Hatchet expects them (<c>Ns</c>, <c>Nm</c>, <c>Nh</c>).</summary>
internal static class Durations
{
    public static string Format(TimeSpan t)
    {
        var seconds = (long)Math.Ceiling(t.TotalSeconds);
        return seconds % 3600 == 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }
}

using MageFlow.Hatchet.Exceptions;
using MageFlow.Hatchet.Protocol.V1;
using MageFlow.Hatchet.Runs;

namespace MageFlow.Hatchet.Tasks;

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

    /// <summary>Gets the type of the workflow's input.</summary>
    public abstract Type InputType { get; }

    /// <summary>Gets the names of the workflow's tasks (one for a standalone task), without its on-failure task.</summary>
    public IReadOnlyList<string> TaskNames => [.. TaskDefinitions.Select(t => t.Name)];

    internal abstract IReadOnlyList<TaskDefinition> TaskDefinitions { get; }

    /// <summary>Gets whether a run of this workflow is one task (so that task's end is the run's end).</summary>
    internal bool IsSingleTask => TaskDefinitions.Count == 1;

    /// <summary>Gets the task whose output is a run's output: the only task of a one-task workflow.</summary>
    internal string? OutputTaskName => IsSingleTask ? TaskDefinitions[0].Name : null;

    internal virtual TaskDefinition? OnFailureDefinition => null;

    internal abstract IEnumerable<string> EventTriggers { get; }

    internal abstract IEnumerable<string> CronTriggers { get; }

    internal abstract IEnumerable<DefaultEventFilter> EventFilters { get; }

    internal abstract IEnumerable<ConcurrencyLimit> WorkflowConcurrency { get; }

    internal abstract int? DefaultPriority { get; }

    internal abstract Tasks.StickyStrategy? Sticky { get; }

    internal abstract IDictionary<string, string> DefaultMetadata { get; }

    /// <summary>Gets every task a worker serving this workflow runs, the on-failure task included.</summary>
    internal IEnumerable<TaskDefinition> AllTaskDefinitions =>
        OnFailureDefinition is { } onFailure ? TaskDefinitions.Append(onFailure) : TaskDefinitions;

    /// <summary>Starts a run and returns without waiting for it. Inside a running task, the run is its child.</summary>
    /// <param name="input">The input (serialized with the client's JSON options).</param>
    /// <param name="options">Metadata, priority, child key.</param>
    /// <param name="cancellationToken">Cancels the trigger call.</param>
    /// <returns>The run's reference.</returns>
    public Task<WorkflowRunRef> RunNoWaitAsync(object? input, RunOptions? options = null, CancellationToken cancellationToken = default) =>
        Client.TriggerOneAsync(this, input, options, cancellationToken);

    internal CreateWorkflowVersionRequest ToProto()
    {
        var request = new CreateWorkflowVersionRequest { Name = WorkflowName, Version = string.Empty, Description = string.Empty };
        request.EventTriggers.AddRange(EventTriggers.Select(e => Client.Namespace + e));
        request.CronTriggers.AddRange(CronTriggers);
        foreach (var filter in EventFilters)
        {
            var wire = new DefaultFilter { Expression = filter.Expression, Scope = filter.Scope };
            if (filter.Payload is { } payload)
            {
                wire.Payload = Google.Protobuf.ByteString.CopyFrom(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Client.Options.JsonSerializerOptions));
            }

            request.DefaultFilters.Add(wire);
        }

        request.Tasks.AddRange(TaskDefinitions.Select(t => t.ToProto(WorkflowName)));
        if (OnFailureDefinition is { } onFailure)
        {
            request.OnFailureTask = onFailure.ToProto(WorkflowName);
        }

        request.ConcurrencyArr.AddRange(WorkflowConcurrency.Select(c => c.ToProto()));
        if (DefaultPriority is { } p)
        {
            request.DefaultPriority = p;
        }

        if (Sticky is { } sticky)
        {
            request.Sticky = sticky == Tasks.StickyStrategy.Hard ? Protocol.V1.StickyStrategy.Hard : Protocol.V1.StickyStrategy.Soft;
        }

        return request;
    }
}
